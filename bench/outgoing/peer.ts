/**
 * The bare `ws` peer of the outgoing benchmark, in its own process so its memory is not counted:
 * answers a JSON message that has an `id` with `{"id"}`, ignores the rest. Prints `PORT <n>`.
 */
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '0.0.0.0', port: 0, perMessageDeflate: false, clientTracking: false, backlog: 4096 });
wss.on('connection', (ws) => {
  ws.on('error', () => {});
  ws.on('message', (raw: Buffer) => {
    // Cheap test for the few messages that want an answer: they start with {"id".
    if (raw.length > 5 && raw[2] === 0x69 && raw[3] === 0x64) {
      const id = (JSON.parse(raw.toString()) as { id: unknown }).id;
      ws.send(JSON.stringify({ id }));
    }
  });
});
wss.on('listening', () => {
  const a = wss.address();
  process.stdout.write(`PORT ${typeof a === 'object' && a ? a.port : 0}\n`);
});
