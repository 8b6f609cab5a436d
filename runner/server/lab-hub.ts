/**
 * All labs the server knows, each a LiveLab created on the first hello that names it. Single-learner
 * mode: one live copy per lab id, whoever attaches. The hub tears down every copy it started when
 * the server closes.
 */
import { LABS_DIR } from '../shared/paths.ts';
import { say } from '../shared/sentences.ts';
import { OPEN_POLICY, requireLab, type LabPolicy } from './lab-rules.ts';
import { LiveLab, type EngineProvider } from './live-lab.ts';
import { RequestError } from './request-error.ts';

export class LabHub {
  private readonly labs = new Map<string, LiveLab>();
  private closing = false;

  constructor(
    private readonly engine: EngineProvider,
    private readonly log: (line: string) => void,
    private readonly labsDir = LABS_DIR,
    private readonly policy: LabPolicy = OPEN_POLICY,
  ) {}

  /** The lab named by a hello; an unknown name is a RequestError listing the known ones. */
  lab(id: string): LiveLab {
    if (this.closing) throw new RequestError(say('workbench-closing', {}));
    const existing = this.labs.get(id);
    if (existing) return existing;
    const { definition, dir } = requireLab(id, this.labsDir);
    const lab = new LiveLab(definition, this.engine, this.log, undefined, dir, this.policy);
    this.labs.set(id, lab);
    return lab;
  }

  /** The lab if a page has named it already (no loading). */
  peek(id: string): LiveLab | undefined {
    return this.labs.get(id);
  }

  /** Tear down every lab copy this server started (Ctrl-C, SIGTERM, close()). */
  async closeAll(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.labs.values()].map((lab) =>
        lab.stop().catch((err) => this.log(`${lab.id}: teardown failed: ${(err as Error).message}`)),
      ),
    );
  }
}
