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

const notYet = async (): Promise<never> => {
  throw new Error('probe: not implemented yet');
};

/** Placeholder until the probe lands: every call rejects. */
export function createProbeService(_ctx: ProbeContext): ProbeService {
  return {
    handlers: {
      probeListSessions: notYet,
      probeGetSession: notYet,
      probeSaveSession: notYet,
      probeDeleteSession: notYet,
      probeOpen: notYet,
      probeClose: notYet,
      probeSend: notYet,
      probePreview: notYet,
      probeResend: notYet,
      probeQueryLog: notYet,
      probeExport: notYet,
      probeImport: notYet,
      probeListTemplates: notYet,
      probeSaveTemplate: notYet,
      probeDeleteTemplate: notYet,
    },
    dispose: async () => {},
  };
}
