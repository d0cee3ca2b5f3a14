// The bench's upstream: a bare `ws` echo server, the same for every target (direct, gateway, nginx, HAProxy).
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false, handleProtocols: (p) => [...p][0] ?? false });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => undefined);
});
wss.on('listening', () => {
  const addr = wss.address();
  process.send!({ type: 'ready', port: typeof addr === 'object' && addr ? addr.port : 0 });
});
