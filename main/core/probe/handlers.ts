import type { probeCalls } from '../../../protocol/console/probe';
import type { Emit, Handlers } from '../handlers';

export interface ProbeContext {
  emit: Emit;
  /** Directory for this console's data (sessions, spill files). */
  dataDir: string;
}

export interface ProbeService {
  handlers: Handlers<typeof probeCalls>;
  dispose(): Promise<void>;
}

/** Placeholder until the probe lands. */
export function createProbeService(_ctx: ProbeContext): ProbeService {
  return { handlers: {}, dispose: async () => {} };
}
