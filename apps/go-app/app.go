package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// app serves the lab's HTTP contract (docs/CONVENTIONS.md) and knows whether it is draining.
type app struct {
	cfg config
	// draining flips on SIGTERM: readiness turns 503 and responses ask clients to reconnect.
	draining atomic.Bool
	// closing is closed once the listener is closed; open SSE streams and WebSockets end on it.
	closing  chan struct{}
	inFlight atomic.Int64
	streams  atomic.Int64
	ws       *wsTracker
}

func newApp(cfg config) *app {
	return &app{cfg: cfg, closing: make(chan struct{}), ws: newWSTracker()}
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := a.stripPrefix(r.URL.Path)
	if path != "/ws" { // a WebSocket is counted in a.ws, for as long as it is open
		a.inFlight.Add(1)
		defer a.inFlight.Add(-1)
	}
	h := w.Header()
	h.Set("X-App-Version", a.cfg.Version)
	h.Set("X-App-Instance", a.cfg.Instance)
	h.Set("Cache-Control", "no-store")
	if a.draining.Load() {
		// Retire keep-alive connections while the proxy is still allowed to send to us, so none
		// is left idle to be closed under a request in flight when the listener closes.
		h.Set("Connection", "close")
	}

	switch path {
	case "/":
		a.hello(w, r)
	case "/healthz":
		a.healthz(w, r)
	case "/stream":
		a.stream(w, r)
	case "/ws":
		a.webSocket(w, r)
	default:
		text(w, http.StatusNotFound, "not found: "+r.URL.Path)
	}
}

// stripPrefix maps /<app-name>/x to /x, so path-routing proxies need no rewrite rules.
func (a *app) stripPrefix(path string) string {
	prefix := "/" + a.cfg.AppName
	if path == prefix {
		return "/"
	}
	if strings.HasPrefix(path, prefix+"/") {
		return path[len(prefix):]
	}
	return path
}

func (a *app) hello(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, http.MethodGet, http.MethodHead, http.MethodPost) {
		return
	}
	// Read the whole body: an unread body makes the server close the connection instead of reusing it.
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		text(w, http.StatusBadRequest, "could not read body: "+err.Error())
		return
	}
	hold, err := a.sleepFor(r)
	if err != nil {
		text(w, http.StatusBadRequest, err.Error())
		return
	}
	if hold > 0 {
		timer := time.NewTimer(hold)
		select {
		case <-timer.C:
		case <-r.Context().Done(): // the client gave up; nobody is left to answer
			timer.Stop()
			return
		}
	}
	text(w, http.StatusOK, fmt.Sprintf("Hi! from %s %s (%s)", a.cfg.AppName, a.cfg.Version, a.cfg.Instance))
}

// sleepFor parses ?sleep=<ms>|random; absent means no hold.
func (a *app) sleepFor(r *http.Request) (time.Duration, error) {
	values, present := r.URL.Query()["sleep"]
	if !present {
		return 0, nil
	}
	raw := values[0]
	if raw == "random" {
		lo, hi := a.cfg.SleepRandomMin, a.cfg.SleepRandomMax
		return lo + time.Duration(rand.Int63n(int64(hi-lo)+1)), nil
	}
	maxMs := a.cfg.SleepMax.Milliseconds()
	ms, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || ms < 0 || ms > maxMs || strings.HasPrefix(raw, "+") {
		return 0, fmt.Errorf("bad sleep=%q: want milliseconds from 0 to %d (SLEEP_MAX_MS), or \"random\"", raw, maxMs)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

func (a *app) healthz(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	switch {
	case a.cfg.FailHealth:
		text(w, http.StatusServiceUnavailable, "unhealthy (FAIL_HEALTH)")
	case a.draining.Load():
		text(w, http.StatusServiceUnavailable, "draining")
	default:
		text(w, http.StatusOK, "ok")
	}
}

type tick struct {
	App      string `json:"app"`
	Version  string `json:"version"`
	Instance string `json:"instance"`
	Seq      int64  `json:"seq"`
}

type reconnect struct {
	App      string `json:"app"`
	Version  string `json:"version"`
	Instance string `json:"instance"`
	LastSeq  int64  `json:"lastSeq"`
}

// stream sends Server-Sent Events until the client leaves or the server drains; on drain it
// sends a reconnect event so the client resumes (Last-Event-ID) on the next version.
func (a *app) stream(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, http.MethodGet) {
		return
	}
	lastSeq := int64(0)
	if raw := r.Header.Get("Last-Event-ID"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			text(w, http.StatusBadRequest, fmt.Sprintf("bad Last-Event-ID %q: want a non-negative integer", raw))
			return
		}
		lastSeq = n
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		text(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	a.streams.Add(1)
	defer a.streams.Add(-1)

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx would otherwise buffer the events
	// A stream's connection is never reused: the reconnect then always opens a new connection,
	// which a proxy can route to the new version, instead of racing our close on this one.
	h.Set("Connection", "close")
	w.WriteHeader(http.StatusOK)

	send := func(format string, v interface{}) bool {
		data, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, format, data); err != nil {
			return false
		}
		flusher.Flush()
		return true
	}
	nextTick := func() bool {
		lastSeq++
		t := tick{a.cfg.AppName, a.cfg.Version, a.cfg.Instance, lastSeq}
		return send("id: "+strconv.FormatInt(lastSeq, 10)+"\nevent: tick\ndata: %s\n\n", t)
	}

	select {
	case <-a.closing:
	default:
		if !nextTick() {
			return
		}
	}
	ticker := time.NewTicker(a.cfg.StreamInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			if !nextTick() {
				return
			}
		case <-r.Context().Done():
			return
		case <-a.closing:
			send("event: reconnect\ndata: %s\n\n", reconnect{a.cfg.AppName, a.cfg.Version, a.cfg.Instance, lastSeq})
			return // returning ends the chunked body cleanly; Shutdown then closes the connection
		}
	}
}

func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	text(w, http.StatusMethodNotAllowed, "method not allowed: "+r.Method)
	return false
}

func text(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	io.WriteString(w, body)
}
