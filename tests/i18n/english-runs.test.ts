import { describe, expect, it } from 'vitest';
import { englishRuns } from '../../tools/untranslated.ts';

describe('finding English left in Chinese text', () => {
  it('finds runs of English words', () => {
    expect(englishRuns('Nothing has trained yet. Press Run')).toEqual([
      'Nothing has trained yet',
      'Press Run',
    ]);
    expect(englishRuns('训练 the model 两次')).toEqual(['the model']);
  });

  it('keeps names, units and symbols that stay in Chinese text', () => {
    expect(englishRuns('同步批量归一化 (SyncBN) 比本地 BN 高 52.5 pp')).toEqual([]);
    expect(englishRuns('MNIST MLP，8 个设备 × 2，lr 0.1')).toEqual([]);
    expect(englishRuns('Wu & He 2018，Fig. 1')).toEqual([]);
    expect(englishRuns('English')).toEqual([]);
  });

  it('lets a single unknown word pass (a name, a code) but not two', () => {
    expect(englishRuns('运行 Resume')).toEqual([]);
    expect(englishRuns('运行 Resume run')).toEqual(['Resume run']);
  });
});
