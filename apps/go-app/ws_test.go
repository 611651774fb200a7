package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// wsClient reads one WebSocket in the background: frames arrive on msgs, and once reading ends
// (close frame, EOF, reset) closed is closed and err says why.
type wsClient struct {
	conn   *websocket.Conn
	resp   *http.Response
	msgs   chan wsFrame
	closed chan struct{}
	err    error
	at     time.Time // when reading ended
}

type wsFrame struct {
	kind int
	data string
}

type wsTick struct {
	App      string `json:"app"`
	Version  string `json:"version"`
	Instance string `json:"instance"`
	Seq      int64  `json:"seq"`
}

func (p *appProcess) wsURL(pathAndQuery string) string {
	return fmt.Sprintf("ws://127.0.0.1:%d%s", p.port, pathAndQuery)
}

// dialWSConn opens a WebSocket and reads nothing: a client that never answers a close frame.
func dialWSConn(t *testing.T, url string) (*websocket.Conn, *http.Response) {
	t.Helper()
	dialer := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	conn, resp, err := dialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn, resp
}

func dialWS(t *testing.T, url string) *wsClient {
	t.Helper()
	conn, resp := dialWSConn(t, url)
	c := &wsClient{conn: conn, resp: resp, msgs: make(chan wsFrame, 1000), closed: make(chan struct{})}
	go func() {
		defer close(c.closed)
		for {
			kind, data, err := conn.ReadMessage() // answers a close frame, like any client
			if err != nil {
				c.err, c.at = err, time.Now()
				return
			}
			c.msgs <- wsFrame{kind, string(data)}
		}
	}()
	return c
}

func (c *wsClient) next(t *testing.T, timeout time.Duration) wsFrame {
	t.Helper()
	select {
	case f := <-c.msgs:
		return f
	case <-time.After(timeout):
		select {
		case <-c.closed:
			t.Fatalf("socket closed without a message: %v", c.err)
		default:
			t.Fatalf("no message within %v", timeout)
		}
		return wsFrame{}
	}
}

func (c *wsClient) nextTick(t *testing.T, timeout time.Duration) wsTick {
	t.Helper()
	f := c.next(t, timeout)
	var tk wsTick
	if err := json.Unmarshal([]byte(f.data), &tk); err != nil || f.kind != websocket.TextMessage || tk.Seq == 0 {
		t.Fatalf("want a tick, got %d %q", f.kind, f.data)
	}
	return tk
}

func (c *wsClient) send(t *testing.T, kind int, data string) {
	t.Helper()
	if err := c.conn.WriteMessage(kind, []byte(data)); err != nil {
		t.Fatal(err)
	}
}

// closeFrame waits for the end of the socket and returns the server's close frame; an end
// without one (gorilla reports 1006 for EOF, or a read error) fails the test.
func (c *wsClient) closeFrame(t *testing.T, timeout time.Duration) *websocket.CloseError {
	t.Helper()
	select {
	case <-c.closed:
	case <-time.After(timeout):
		t.Fatalf("socket still open after %v", timeout)
	}
	var ce *websocket.CloseError
	if !errors.As(c.err, &ce) || ce.Code == websocket.CloseAbnormalClosure {
		t.Fatalf("socket ended without a close frame: %v", c.err)
	}
	return ce
}

func TestWebSocketTicksEchoesAndResumes(t *testing.T) {
	t.Parallel()
	app := startApp(t, "STREAM_INTERVAL_MS=60000") // only the immediate first tick can arrive

	ws := dialWS(t, app.wsURL("/go-app/ws"))
	if v, i := ws.resp.Header.Get("X-App-Version"), ws.resp.Header.Get("X-App-Instance"); v != "t1" || i != "test-1" {
		t.Errorf("101 headers: X-App-Version %q, X-App-Instance %q", v, i)
	}
	first := ws.next(t, 2*time.Second)
	if first.data != `{"app":"go-app","version":"t1","instance":"test-1","seq":1}` {
		t.Errorf("first tick = %q", first.data)
	}
	ws.send(t, websocket.TextMessage, `hi "there"`)
	if f := ws.next(t, 2*time.Second); f.kind != websocket.TextMessage || f.data != `{"echo":"hi \"there\""}` {
		t.Errorf("text echo = %d %q", f.kind, f.data)
	}
	ws.send(t, websocket.BinaryMessage, "\x00\x01")
	if f := ws.next(t, 2*time.Second); f.kind != websocket.BinaryMessage || f.data != "\x00\x01" {
		t.Errorf("binary echo = %d %q, want the same bytes back", f.kind, f.data)
	}

	// A client that saw tick 41 resumes at 42, at the root path too.
	resumed := dialWS(t, app.wsURL("/ws?last=41"))
	if tk := resumed.nextTick(t, 2*time.Second); tk.Seq != 42 {
		t.Errorf("resumed tick = %+v, want seq 42", tk)
	}

	// A client that closes gets its close answered.
	ws.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye"), time.Now().Add(time.Second))
	if ce := ws.closeFrame(t, 2*time.Second); ce.Code != websocket.CloseNormalClosure {
		t.Errorf("answer to our close = %v, want 1000", ce)
	}
}

func TestWebSocketTicksInOrder(t *testing.T) {
	t.Parallel()
	app := startApp(t, "STREAM_INTERVAL_MS=50")
	ws := dialWS(t, app.wsURL("/ws?last=7"))
	for want := int64(8); want <= 11; want++ {
		if tk := ws.nextTick(t, 2*time.Second); tk.Seq != want {
			t.Fatalf("tick seq = %d, want %d", tk.Seq, want)
		}
	}
}

func TestWebSocketBadLastIsClosedWith1008(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	for _, bad := range []string{"x", "-1", "1.5", "", "+5", "9007199254740992", "1&last=2"} {
		ws := dialWS(t, app.wsURL("/ws?last="+bad))
		ce := ws.closeFrame(t, 2*time.Second)
		if ce.Code != websocket.ClosePolicyViolation || ce.Text != "bad last: want one integer from 0 to 9007199254740991" {
			t.Errorf("last=%s: close = %v, want 1008 naming the range", bad, ce)
		}
		select {
		case f := <-ws.msgs:
			t.Errorf("last=%s: got %q before the close, want nothing", bad, f.data)
		default:
		}
	}
	// The largest accepted value still ticks.
	if tk := dialWS(t, app.wsURL("/ws?last=9007199254740990")).nextTick(t, 2*time.Second); tk.Seq != 9007199254740991 {
		t.Errorf("last=2^53-2: tick %d", tk.Seq)
	}
}

func TestWebSocketRouteWithoutUpgradeIs426(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	resp, body := get(t, app.url("/go-app/ws"))
	if resp.StatusCode != http.StatusUpgradeRequired || resp.Header.Get("Upgrade") != "websocket" || !strings.Contains(body, "WebSocket") {
		t.Errorf("plain GET /go-app/ws = %d %q (Upgrade: %q), want 426", resp.StatusCode, body, resp.Header.Get("Upgrade"))
	}
}

// TestWebSocketDrainClosesWith1012AndResumesOnTheNextVersion is a deploy in miniature: the old
// process keeps ticking through the drain delay, then closes every socket with 1012 and the last
// seq; the new process continues each one without a gap.
func TestWebSocketDrainClosesWith1012AndResumesOnTheNextVersion(t *testing.T) {
	t.Parallel()
	const delay = 800 * time.Millisecond
	old := startApp(t, "DRAIN_DELAY_MS=800", "STREAM_INTERVAL_MS=100")
	sockets := []*wsClient{dialWS(t, old.wsURL("/go-app/ws")), dialWS(t, old.wsURL("/ws")), dialWS(t, old.wsURL("/ws?last=100"))}
	first := make([]wsTick, len(sockets))
	for i, ws := range sockets {
		first[i] = ws.nextTick(t, 2*time.Second)
	}

	old.signal(syscall.SIGTERM)
	signalled := time.Now()
	old.waitLog("drain: listener closed, ", 3*time.Second)

	next := startApp(t, "APP_VERSION=t2", "INSTANCE=test-2", "STREAM_INTERVAL_MS=100")
	for i, ws := range sockets {
		ce := ws.closeFrame(t, 3*time.Second)
		lastTick := first[i]
		for len(ws.msgs) > 0 { // everything arrived before the close: the reader has ended
			lastTick = ws.nextTick(t, time.Second)
		}
		if ce.Code != websocket.CloseServiceRestart || ce.Text != fmt.Sprintf(`{"lastSeq":%d}`, lastTick.Seq) {
			t.Errorf("socket %d: close = %v, want 1012 {\"lastSeq\":%d}", i, ce, lastTick.Seq)
		}
		if closedAfter := ws.at.Sub(signalled); closedAfter < delay {
			t.Errorf("socket %d closed %v after SIGTERM, before the %v drain delay ended", i, closedAfter, delay)
		}
		if lastTick.Version != "t1" || lastTick.Seq < first[i].Seq+4 {
			t.Errorf("socket %d: last tick %+v after first seq %d, want t1 ticking through the delay", i, lastTick, first[i].Seq)
		}
		// Resume on the new version: the next tick is lastSeq+1.
		resumed := dialWS(t, next.wsURL(fmt.Sprintf("/go-app/ws?last=%d", lastTick.Seq)))
		if tk := resumed.nextTick(t, 2*time.Second); tk.Seq != lastTick.Seq+1 || tk.Version != "t2" {
			t.Errorf("socket %d resumed at %+v, want seq %d from t2", i, tk, lastTick.Seq+1)
		}
	}

	if code := old.waitExit(5 * time.Second); code != 0 {
		t.Errorf("exit = %d, want 0", code)
	}
	old.waitLog("drain: 3 websockets closed with 1012: 3 answered the close, 0 did not", time.Second)
}

// A client that never answers the close frame costs WS_CLOSE_TIMEOUT_MS, not the drain timeout.
func TestWebSocketCloseHandshakeWaitIsBounded(t *testing.T) {
	t.Parallel()
	app := startApp(t, "DRAIN_DELAY_MS=0", "DRAIN_TIMEOUT_MS=20000", "WS_CLOSE_TIMEOUT_MS=300", "STREAM_INTERVAL_MS=60000")
	mute, _ := dialWSConn(t, app.wsURL("/ws"))
	if _, first, err := mute.ReadMessage(); err != nil || !strings.Contains(string(first), `"seq":1`) {
		t.Fatalf("first tick = %q, %v", first, err)
	}
	app.signal(syscall.SIGTERM)
	if code := app.waitExit(5 * time.Second); code != 0 {
		t.Errorf("exit = %d, want 0: the close frame went out, the client just did not answer", code)
	}
	app.waitLog("1 did not within 300ms and were closed", time.Second)
	// The frame was sent all the same: it is waiting in the client's socket.
	mute.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, _, err := mute.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseServiceRestart) {
		t.Errorf("unread frame = %v, want the 1012 close", err)
	}
}

// If even the close frame cannot finish within the drain timeout, the socket is cut and the exit
// code says so.
func TestWebSocketDrainTimeoutCutsAndExits1(t *testing.T) {
	t.Parallel()
	app := startApp(t, "DRAIN_DELAY_MS=0", "DRAIN_TIMEOUT_MS=300", "WS_CLOSE_TIMEOUT_MS=10000", "STREAM_INTERVAL_MS=60000")
	mute, _ := dialWSConn(t, app.wsURL("/ws"))
	if _, _, err := mute.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	app.signal(syscall.SIGTERM)
	if code := app.waitExit(5 * time.Second); code != 1 {
		t.Errorf("exit = %d, want 1 so a cut drain is visible", code)
	}
	app.waitLog("drain: timeout after 300ms, cutting 1 connections (0 requests in flight, 1 websockets), exit 1", time.Second)
}
