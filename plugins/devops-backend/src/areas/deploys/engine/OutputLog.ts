import { LoggerService } from '@backstage/backend-plugin-api';
import { DeployPhase } from '@devops-growth/backstage-plugin-devops-common';
import { DeployStore, NewDeployEvent } from '../types';

/** Characters kept of one output line. */
const MAX_LINE = 2000;
/** Lines are written in batches at most this often. */
const FLUSH_MS = 100;

/**
 * Provider output as `log` events of a deploy: batched, each line cut to 2,000 characters, and
 * at most `maxLines` per deploy (counting the lines earlier attempts kept); past the bound one
 * line says the output was cut.
 */
export class OutputLog {
  private buffer: NewDeployEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  phase: DeployPhase = 'deploy';

  constructor(
    private readonly store: DeployStore,
    private readonly deployId: string,
    private readonly maxLines: number,
    private count: number,
    private readonly logger: LoggerService,
  ) {}

  readonly log = (line: string, stream: 'stdout' | 'stderr' = 'stdout') => {
    if (this.count > this.maxLines) return;
    this.count++;
    let message = line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line;
    if (this.count > this.maxLines) {
      message = `output cut: more than ${this.maxLines} lines`;
    }
    this.buffer.push({
      type: 'log',
      message,
      data: { stream, phase: this.phase },
      at: new Date(),
    });
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.flush();
      }, FLUSH_MS);
    }
  };

  /** Writes what is buffered; resolves once every line given so far is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer.splice(0);
    if (batch.length > 0) {
      this.writing = this.writing.then(() =>
        this.store.appendEvents(this.deployId, batch).catch(error => {
          this.logger.warn(
            `Could not store ${batch.length} output lines of deploy ${this.deployId}: ${error}`,
          );
        }),
      );
    }
    return this.writing;
  }
}
