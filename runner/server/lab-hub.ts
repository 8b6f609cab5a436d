/**
 * All labs the server knows, each a LiveLab created on the first hello that names it. Single-learner
 * mode: one live copy per lab id, whoever attaches. The hub tears down every copy it started when
 * the server closes.
 */
import { loadLab } from '../lab/registry.ts';
import { LabDefinitionError } from '../shared/errors.ts';
import { LABS_DIR } from '../shared/paths.ts';
import { LiveLab, type EngineProvider } from './live-lab.ts';
import { RequestError } from './request-error.ts';

export class LabHub {
  private readonly labs = new Map<string, LiveLab>();
  private closing = false;

  constructor(
    private readonly engine: EngineProvider,
    private readonly log: (line: string) => void,
    private readonly labsDir = LABS_DIR,
  ) {}

  /** The lab named by a hello; an unknown name is a RequestError listing the known ones. */
  lab(id: string): LiveLab {
    if (this.closing) throw new RequestError('The workbench is shutting down.');
    const existing = this.labs.get(id);
    if (existing) return existing;
    let lab: LiveLab;
    try {
      const { definition, dir } = loadLab(id, this.labsDir);
      lab = new LiveLab(definition, this.engine, this.log, undefined, dir);
    } catch (err) {
      if (err instanceof LabDefinitionError) throw new RequestError(err.message, { cause: err });
      throw err;
    }
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
