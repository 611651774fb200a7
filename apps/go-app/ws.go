package main

// GET /ws: a WebSocket that ticks like /stream, echoes what it receives, resumes with ?last=N,
// and on drain ends with a close frame 1012 carrying the last sequence number.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const (
	// 1012 Service Restart (IANA registry): "reconnect, the service is coming back", which is what
	// a deploy is. 1001 Going Away also covers a browser leaving the page and a server going down
	// for good, so it does not tell the client to come back.
	closeServiceRestart = websocket.CloseServiceRestart
	// The largest seq a JSON number carries exactly in every client (JavaScript's 2^53 - 1).
	maxSeq = 1<<53 - 1
	// Messages are chat-sized; a bigger one is refused with 1009 (Message Too Big).
	wsReadLimit = 64 << 10
	// A client that reads nothing for this long cannot take a frame: give up on it.
	wsWriteWait = 10 * time.Second
)

var upgrader = websocket.Upgrader{
	// Any origin: the route serves public data and reads no cookies, and proxies rewrite Host
	// (nginx's $host drops the port), which would fail gorilla's default same-origin check.
	CheckOrigin: func(*http.Request) bool { return true },
}

// wsSession is one WebSocket from the request to the closed socket.
type wsSession struct{ conn *websocket.Conn }

// wsTracker knows every open WebSocket. http.Server.Shutdown neither waits for nor closes
// hijacked connections, so the drain waits for these itself and cuts them at its deadline.
type wsTracker struct {
	mu       sync.Mutex
	sessions map[*wsSession]struct{}
	changed  chan struct{} // closed and replaced whenever a session leaves

	answered   atomic.Int64 // drain closes the peer answered
	unanswered atomic.Int64 // drain closes the peer left unanswered for WS_CLOSE_TIMEOUT_MS
}

func newWSTracker() *wsTracker {
	return &wsTracker{sessions: map[*wsSession]struct{}{}, changed: make(chan struct{})}
}

func (t *wsTracker) add(s *wsSession) {
	t.mu.Lock()
	t.sessions[s] = struct{}{}
	t.mu.Unlock()
}

func (t *wsTracker) setConn(s *wsSession, c *websocket.Conn) {
	t.mu.Lock()
	s.conn = c
	t.mu.Unlock()
}

func (t *wsTracker) remove(s *wsSession) {
	t.mu.Lock()
	delete(t.sessions, s)
	close(t.changed)
	t.changed = make(chan struct{})
	t.mu.Unlock()
}

func (t *wsTracker) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.sessions)
}

// wait returns nil once no WebSocket is left, or ctx's error.
func (t *wsTracker) wait(ctx context.Context) error {
	for {
		t.mu.Lock()
		n, changed := len(t.sessions), t.changed
		t.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// cut closes every socket still open (the drain timed out) and returns how many.
func (t *wsTracker) cut() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	for s := range t.sessions {
		if s.conn != nil {
			s.conn.UnderlyingConn().Close()
		}
	}
	return len(t.sessions)
}

// parseLast reads ?last=<seq>: absent means a new client (first tick is 1).
func parseLast(r *http.Request) (int64, error) {
	values, present := r.URL.Query()["last"]
	if !present {
		return 0, nil
	}
	n, err := strconv.ParseInt(values[0], 10, 64)
	if err != nil || n < 0 || n > maxSeq || values[0][0] == '+' || len(values) > 1 {
		return 0, fmt.Errorf("bad last: want one integer from 0 to %d", int64(maxSeq))
	}
	return n, nil
}

type echo struct {
	Echo string `json:"echo"`
}

type wsMessage struct {
	kind int
	data []byte
}

func (a *app) webSocket(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, http.MethodGet) {
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		w.Header().Set("Upgrade", "websocket")
		text(w, http.StatusUpgradeRequired, r.URL.Path+" is a WebSocket: connect with a WebSocket client (Connection: Upgrade, Upgrade: websocket)")
		return
	}
	last, badLast := parseLast(r)

	// Tracked before the upgrade: once hijacked, the connection is invisible to Shutdown, and a
	// drain that looked in between would exit under it.
	session := &wsSession{}
	a.ws.add(session)
	defer a.ws.remove(session)
	conn, err := upgrader.Upgrade(w, r, http.Header{
		"X-App-Version":  {a.cfg.Version},
		"X-App-Instance": {a.cfg.Instance},
	})
	if err != nil {
		return // Upgrade has answered with an HTTP error
	}
	a.ws.setConn(session, conn)
	defer conn.Close()
	conn.SetReadLimit(wsReadLimit)

	// One reader: echoes go to the writer; the error that ends reading (the peer's close frame,
	// a broken socket, the close-handshake deadline) goes to readDone.
	messages := make(chan wsMessage)
	readDone := make(chan error, 1)
	stopEchoes := make(chan struct{}) // closed once we sent our close frame: no more echoes
	handlerDone := make(chan struct{})
	defer close(handlerDone)
	go func() {
		for {
			kind, data, err := conn.ReadMessage()
			if err != nil {
				readDone <- err
				return
			}
			select {
			case messages <- wsMessage{kind, data}:
			case <-stopEchoes:
			case <-handlerDone: // the writer gave up; conn.Close ends the next read
			}
		}
	}()

	// closeWith sends the close frame, then waits (bounded) for the peer's answer, so the
	// socket ends with a close handshake and not a reset.
	closeWith := func(code int, reason string) bool {
		close(stopEchoes)
		deadline := time.Now().Add(a.cfg.WSCloseTimeout)
		if err := conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline); err != nil {
			return false
		}
		conn.SetReadDeadline(deadline)
		// Any close frame is an answer (peers usually echo our code); gorilla reports an EOF
		// without one as 1006.
		var answer *websocket.CloseError
		return errors.As(<-readDone, &answer) && answer.Code != websocket.CloseAbnormalClosure
	}
	if badLast != nil {
		closeWith(websocket.ClosePolicyViolation, badLast.Error())
		return
	}

	// The only writer below: ticks, echoes and the close frame never interleave, and nothing
	// follows the close frame.
	seq := last
	write := func(kind int, data []byte) bool {
		conn.SetWriteDeadline(time.Now().Add(wsWriteWait))
		return conn.WriteMessage(kind, data) == nil
	}
	sendTick := func() bool {
		seq++
		data, _ := json.Marshal(tick{a.cfg.AppName, a.cfg.Version, a.cfg.Instance, seq})
		return write(websocket.TextMessage, data)
	}
	drainClose := func() {
		if closeWith(closeServiceRestart, fmt.Sprintf(`{"lastSeq":%d}`, seq)) {
			a.ws.answered.Add(1)
		} else {
			a.ws.unanswered.Add(1)
		}
	}

	select {
	case <-a.closing: // accepted as the listener closed: send the client on at once
		drainClose()
		return
	default:
		if !sendTick() { // the first tick goes out at once, like /stream's first event
			return
		}
	}
	ticker := time.NewTicker(a.cfg.StreamInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			if !sendTick() {
				return
			}
		case m := <-messages:
			if m.kind == websocket.TextMessage {
				m.data, _ = json.Marshal(echo{string(m.data)})
			}
			if !write(m.kind, m.data) {
				return
			}
		case <-readDone: // the peer closed (gorilla answered its close frame) or the socket broke
			return
		case <-a.closing:
			// After the drain delay, like /stream's reconnect: proxies have taken this instance
			// out, so the client's reconnect reaches the new version.
			drainClose()
			return
		}
	}
}
