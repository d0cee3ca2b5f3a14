/** The only two Electron IPC channels: every contract call goes over one, every event over the other. */
export const IPC_CALL = 'switchboard:call';
export const IPC_EVENT = 'switchboard:event';
