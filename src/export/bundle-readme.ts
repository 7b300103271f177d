import type { TorchPlan } from './torch-plan.ts';

/** The bundle's README.md: what the files are, how to launch them, what matches and why. */
export function bundleReadme(plan: TorchPlan): string {
  const c = plan.config;
  const K = c.devices;
  const order = plan.exact
    ? "`plan.npz` holds every step's global batch indices, so each rank trains on exactly the samples the simulated device did."
    : "This export has no per-step indices (`--no-exact`): the script deals shards from its own seeded permutation, so the data order differs from the simulator's and the curves match only statistically.";
  return `# syncbn-lab run for PyTorch

A run of syncbn-lab exported by \`npm run export:torch\`: the \`${c.model.preset}\` model with
\`norm: "${c.model.norm}"\`, ${K} devices, \`bnSync: "${c.bnSync}"\`,
\`runningStats: "${c.runningStats}"\`, \`gradientAveraging: "${c.gradientAveraging}"\`, a global batch of
${c.globalBatch} (${plan.shardSizes.join(' + ')} per rank), ${c.steps} steps of \`${c.optimizer.name}\`.

| file | what it holds |
| --- | --- |
| \`train.py\` | the training script (torch and numpy only): the model layer by layer, DDP, the BN sync, the optimizer, the evaluation |
| \`init.npz\` | parameters and BN buffers after DDP's initial broadcast, named as the model's \`state_dict\` |
| \`data.npz\` | \`x_train\`, \`y_train\`, \`x_test\`, \`y_test\`: the exact arrays the run used |
| \`plan.npz\` | \`lr\`: each step's learning rate${plan.exact ? "; `batch_indices`: each step's global batch, rank k's shard at offset n_0 + … + n_{k−1}" : ''}${c.evalMode === 'precise' ? '; `precise_indices`: the training batches PreciseBN recomputes the statistics from before each evaluation' : ''} |

${order}

## Run it

One node with ${K} GPUs (CUDA + NCCL, PyTorch's \`nn.SyncBatchNorm\`):

    torchrun --nproc_per_node=${K} train.py --out metrics.json

Several nodes (here 2 × ${K / 2 >= 1 && K % 2 === 0 ? K / 2 : '…'} GPUs; run on each node, with its \`--node_rank\`):

    torchrun --nnodes=2 --node_rank=0 --nproc_per_node=${K % 2 === 0 ? K / 2 : '…'} --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py --out metrics.json

On CPU (gloo; synchronized BN by all_gather, the same math):

    torchrun --nproc_per_node=${K} train.py --cpu --out metrics.json

\`--steps N\` trains only the first N steps. \`metrics.json\` has the format of \`npm run sim --out\`
(\`config\`, \`train\`, \`eval\`, \`final\`) plus \`source: "pytorch"\`, the torch version, the device,
and \`finalState\` (rank 0's parameters and buffers at the end).

## What matches

On CPU the per-step losses, the final parameters and the running statistics agree with the
simulator's to a few 1e-7 relative (syncbn-lab's tests check 1e-4). Under Adam, the bias of a
Linear layer followed by BN (and BN's running mean, which carries it) is driven by rounding noise
(its true gradient is 0, and Adam scales any gradient to steps of about lr): those drift apart
while everything the network computes agrees.${
    c.model.preset === 'cnn'
      ? `

This is a CNN: a max-pool keeps the largest of 4 values, and where two are within float32
rounding of each other the two implementations can pick different ones and route that window's
gradient elsewhere. From then on the runs are two different, equally valid trajectories whose gap
grows; syncbn-lab's tests therefore compare the CNN step by step from the same state (to about
1e-5 of each step's update), not free-running.`
      : ''
  }

Batch statistics over very few values (a global batch of a handful of samples) amplify rounding
through 1/σ_B: such free runs drift apart within a few steps too.

On GPUs, cuBLAS and cuDNN sum float32 values in other orders (and may use TF32): expect the
same curves with differences in the last bits that grow slowly over the steps, not identical
numbers.
`;
}
