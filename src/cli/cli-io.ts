/** Where the CLI writes; the process's streams by default, captured in tests. */
export interface CliIo {
  stdout(text: string): Promise<void>;
  stderr(text: string): void;
  readonly stderrIsTTY: boolean;
  readonly columns?: number;
}
