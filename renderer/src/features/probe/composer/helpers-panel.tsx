import { useState } from 'react';
import * as sb from '../helpers/switchboard-frames';
import * as stomp from '../helpers/stomp-frames';
import type { ComposerState } from '../state/composer-state';

/**
 * Protocol helpers: buttons that fill the editor with a ready frame (nothing is sent until Send),
 * so the user sees and can edit exactly what goes on the wire.
 */
export function HelpersPanel({ initial, composer, onFill }: { initial: 'switchboard' | 'stomp'; composer: ComposerState; onFill(patch: Partial<ComposerState>): void }) {
  const [tab, setTab] = useState<'switchboard' | 'stomp'>(initial);
  return (
    <div className="probe-helpers">
      <div className="toggle" role="group" aria-label="protocol helper">
        <button type="button" aria-pressed={tab === 'switchboard'} onClick={() => setTab('switchboard')}>Switchboard</button>
        <button type="button" aria-pressed={tab === 'stomp'} onClick={() => setTab('stomp')}>STOMP</button>
      </div>
      {tab === 'switchboard' ? <SwitchboardHelper composer={composer} onFill={onFill} /> : <StompHelper onFill={onFill} />}
    </div>
  );
}

function SwitchboardHelper({ composer, onFill }: { composer: ComposerState; onFill(patch: Partial<ComposerState>): void }) {
  const [clientId, setClientId] = useState('probe-1');
  const [auth, setAuth] = useState<'none' | 'basic' | 'apikey' | 'jwt'>('none');
  const [user, setUser] = useState('');
  const [secret, setSecret] = useState('');
  const [topic, setTopic] = useState('');
  const [seq, setSeq] = useState('1');
  const id = composer.nextHelperId;
  const json = (text: string, usesId: boolean) => onFill({ mode: 'json', text, error: null, ...(usesId ? { nextHelperId: id + 1 } : {}) });
  const creds = (): sb.HelloCredentials =>
    auth === 'basic' ? { kind: 'basic', username: user, password: secret } : auth === 'apikey' ? { kind: 'apikey', apiKey: secret } : auth === 'jwt' ? { kind: 'jwt', token: secret } : { kind: 'none' };
  const fromDelivery = () => {
    const d = sb.ackForDelivery(composer.text);
    if (d) json(sb.ackFrame(d.topic, d.seq), false);
    else json(sb.ackFrame(topic || 'topic', Number(seq) || 0), false);
  };
  return (
    <div className="probe-helper-grid">
      <input className="input" aria-label="client id" placeholder="clientId" value={clientId} onChange={(e) => setClientId(e.target.value)} />
      <select className="input" aria-label="hello credentials" value={auth} onChange={(e) => setAuth(e.target.value as typeof auth)}>
        <option value="none">no credentials</option>
        <option value="basic">username + password</option>
        <option value="apikey">API key</option>
        <option value="jwt">JWT</option>
      </select>
      {auth === 'basic' && <input className="input" aria-label="username" placeholder="username" value={user} onChange={(e) => setUser(e.target.value)} />}
      {auth !== 'none' && <input className="input" type="password" aria-label="secret" placeholder={auth === 'basic' ? 'password' : auth === 'apikey' ? 'API key' : 'token'} value={secret} onChange={(e) => setSecret(e.target.value)} />}
      <input className="input" aria-label="topic" placeholder="topic" value={topic} onChange={(e) => setTopic(e.target.value)} />
      <input className="input" aria-label="ack seq" placeholder="seq" value={seq} onChange={(e) => setSeq(e.target.value)} style={{ width: 60 }} />
      <div className="row-line">
        <button type="button" className="btn small" onClick={() => json(sb.helloFrame(clientId, '', creds()), false)}>hello</button>
        <button type="button" className="btn small" onClick={() => json(sb.requestFrame(id, {}), true)}>request</button>
        <button type="button" className="btn small" onClick={() => json(sb.subscribeFrame(id, topic || 'topic'), true)}>subscribe</button>
        <button type="button" className="btn small" onClick={() => json(sb.unsubscribeFrame(id, topic || 'topic'), true)}>unsubscribe</button>
        <button type="button" className="btn small" onClick={() => json(sb.publishFrame(id, topic || 'topic', {}), true)}>publish</button>
        <button type="button" className="btn small" title="ack the delivery in the editor, or topic + seq" onClick={fromDelivery}>ack</button>
        <button type="button" className="btn small" onClick={() => json(sb.responseFrame('request-id', {}), false)}>response</button>
      </div>
    </div>
  );
}

function StompHelper({ onFill }: { onFill(patch: Partial<ComposerState>): void }) {
  const [host, setHost] = useState('/');
  const [login, setLogin] = useState('');
  const [passcode, setPasscode] = useState('');
  const [dest, setDest] = useState('/topic/test');
  const [subId, setSubId] = useState('sub-0');
  const [ackId, setAckId] = useState('');
  const fill = (text: string) => onFill({ mode: 'text', text, error: null });
  return (
    <div className="probe-helper-grid">
      <input className="input" aria-label="stomp host" placeholder="host" value={host} onChange={(e) => setHost(e.target.value)} />
      <input className="input" aria-label="stomp login" placeholder="login" value={login} onChange={(e) => setLogin(e.target.value)} />
      <input className="input" type="password" aria-label="stomp passcode" placeholder="passcode" value={passcode} onChange={(e) => setPasscode(e.target.value)} />
      <input className="input" aria-label="destination" placeholder="destination" value={dest} onChange={(e) => setDest(e.target.value)} />
      <input className="input" aria-label="subscription id" placeholder="subscription id" value={subId} onChange={(e) => setSubId(e.target.value)} />
      <input className="input" aria-label="ack id" placeholder="ack id (from MESSAGE)" value={ackId} onChange={(e) => setAckId(e.target.value)} />
      <div className="row-line">
        <button type="button" className="btn small" onClick={() => fill(stomp.stompConnect(host, login, passcode))}>CONNECT</button>
        <button type="button" className="btn small" onClick={() => fill(stomp.stompSubscribe(subId, dest, 'client'))}>SUBSCRIBE</button>
        <button type="button" className="btn small" onClick={() => fill(stomp.stompSend(dest, '{}'))}>SEND</button>
        <button type="button" className="btn small" onClick={() => fill(stomp.stompAck(ackId || 'message-id'))}>ACK</button>
        <button type="button" className="btn small" onClick={() => fill(stomp.stompUnsubscribe(subId))}>UNSUBSCRIBE</button>
        <button type="button" className="btn small" onClick={() => fill(stomp.stompDisconnect('bye'))}>DISCONNECT</button>
      </div>
    </div>
  );
}
