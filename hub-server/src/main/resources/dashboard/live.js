// The hub's realtime path for the page: its own Socket.IO gateway, spoken over the browser's WebSocket.
// What the page needs of Socket.IO is small (Engine.IO 4 framing over WebSocket only, as the SDKs use
// it: the open packet, ping/pong, CONNECT with the credential in its payload, events), and no build of
// socket.io-client is on Maven Central as a WebJar; so the page speaks it here.
//
// Events only tell the page that something changed; it then reads the API again, which is the truth.
// So nothing is shown twice or out of order, and after a reconnect one read catches up on what was missed.

export class Live {
  /**
   * @param token    the API key (admin tokens cannot open sockets)
   * @param onEvent  (name, payload) for each event of the hub
   * @param onState  ('connecting' | 'live' | 'reconnecting' | 'refused') as the socket goes
   */
  constructor(token, onEvent, onState) {
    this.token = token;
    this.onEvent = onEvent;
    this.onState = onState;
    this.joins = new Set();
    this.ready = false;
    this.closed = false;
    this.attempt = 0;
    this.connect();
  }

  connect() {
    this.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/socket.io/?EIO=4&transport=websocket`);
    this.socket = socket;
    socket.onmessage = (message) => this.receive(String(message.data));
    socket.onclose = () => {
      clearTimeout(this.silence);
      this.ready = false;
      if (this.closed) return;
      this.onState('reconnecting');
      const wait = Math.min(10_000, 500 * 2 ** Math.min(this.attempt++, 5));
      this.timer = setTimeout(() => this.connect(), wait);
    };
  }

  /** The hub pings every pingInterval; a socket silent for longer than that and pingTimeout is dead. */
  heard() {
    clearTimeout(this.silence);
    if (this.deadAfter) this.silence = setTimeout(() => this.socket.close(), this.deadAfter);
  }

  receive(frame) {
    this.heard();
    if (frame.startsWith('0')) { // Engine.IO open: note the ping timing, join the namespace with the key
      const open = JSON.parse(frame.slice(1));
      this.deadAfter = (open.pingInterval ?? 25_000) + (open.pingTimeout ?? 20_000);
      this.heard();
      this.socket.send(`40${JSON.stringify({ token: `Bearer ${this.token}` })}`);
    } else if (frame === '2') {
      this.socket.send('3');
    } else if (frame.startsWith('44')) { // CONNECT refused: a bad key
      this.refuse();
    } else if (frame.startsWith('41')) { // the hub left the namespace: reconnect
      this.socket.close();
    } else if (frame.startsWith('42')) {
      const [name, argument] = JSON.parse(frame.slice(2));
      let payload = argument;
      if (typeof argument === 'string') {
        try { payload = JSON.parse(argument); } catch { /* a plain string */ }
      }
      if (name === 'error' && !this.ready) { // a revoked or unknown key: never _connected
        this.refuse();
        return;
      }
      if (name === '_connected') {
        this.ready = true;
        this.attempt = 0;
        for (const join of this.joins) this.socket.send(join);
        this.onState('live');
      }
      this.onEvent(name, payload);
    }
  }

  refuse() {
    this.closed = true;
    this.socket.close();
    this.onState('refused');
  }

  /** Sends the event now if connected, and again after every reconnect, until the returned function runs. */
  keep(event, payload) {
    const frame = `42${JSON.stringify([event, payload])}`;
    this.joins.add(frame);
    if (this.ready) this.socket.send(frame);
    return () => this.joins.delete(frame);
  }

  send(event, payload) {
    if (this.ready) this.socket.send(`42${JSON.stringify([event, payload])}`);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.silence);
    this.socket?.close();
  }
}
