package main

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDrainDropsNothing walks through the whole drain on one process: every request that reached
// the app before or during the drain gets its answer, and new connections are refused only after
// the drain delay.
func TestDrainDropsNothing(t *testing.T) {
	t.Parallel()
	const delay = 800 * time.Millisecond
	app := startApp(t, "DRAIN_DELAY_MS=800", "STREAM_INTERVAL_MS=100")

	stream, err := http.Get(app.url("/go-app/stream"))
	if err != nil {
		t.Fatal(err)
	}
	events := readEvents(stream.Body)
	if ev := events.next(t, 2*time.Second); ev.id != "1" {
		t.Fatalf("first event id = %s", ev.id)
	}

	// A kept-alive connection: one request answered, then a long one in flight across the drain.
	busy := dial(t, app.addr())
	busy.send(t, "GET", "/")
	if resp, _ := busy.receive(t); resp.StatusCode != 200 || resp.Close {
		t.Fatalf("first request on the busy connection = %d, close=%v", resp.StatusCode, resp.Close)
	}
	busy.send(t, "GET", "/?sleep=2000")
	// A kept-alive connection left idle.
	idle := dial(t, app.addr())
	idle.send(t, "GET", "/healthz")
	if resp, _ := idle.receive(t); resp.StatusCode != 200 || resp.Close {
		t.Fatalf("request on the idle connection = %d, close=%v", resp.StatusCode, resp.Close)
	}
	time.Sleep(100 * time.Millisecond) // let the long request reach its handler

	app.signal(syscall.SIGTERM)
	signalled := time.Now()

	// 1. Readiness turns 503 at once.
	for {
		resp, body := get(t, app.url("/healthz"))
		if resp.StatusCode == 503 && body == "draining" {
			break
		}
		if time.Since(signalled) > 300*time.Millisecond {
			t.Fatalf("/healthz still %d %q 300ms after SIGTERM", resp.StatusCode, body)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// 2. Still serving during the delay; each answer retires its connection.
	resp, body := get(t, app.url("/"))
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "Hi! from go-app") {
		t.Errorf("GET / during the drain delay = %d %q", resp.StatusCode, body)
	}
	if !resp.Close {
		t.Errorf("GET / during the drain delay lacks Connection: close")
	}

	// 3. After the delay: listener closed, so new connections are refused.
	app.waitLog("drain: listener closed", 3*time.Second)
	if waited := time.Since(signalled); waited < delay {
		t.Errorf("listener closed %v after SIGTERM, before the %v drain delay", waited, delay)
	}
	if _, err := net.DialTimeout("tcp", app.addr(), time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("new connection after the drain delay: err = %v, want ECONNREFUSED", err)
	}
	if !idle.closedByServer(2 * time.Second) {
		t.Error("idle keep-alive connection was not closed by the server")
	}

	// The long request finishes normally, and its kept-alive connection is told to close.
	resp, body = busy.receive(t)
	if resp.StatusCode != 200 || body != "Hi! from go-app t1 (test-1)" {
		t.Errorf("long request = %d %q, want 200", resp.StatusCode, body)
	}
	if !resp.Close {
		t.Error("response on the kept-alive connection after the delay lacks Connection: close")
	}
	if !busy.closedByServer(2 * time.Second) {
		t.Error("busy connection stayed open after its Connection: close response")
	}

	// The stream kept ticking through the delay, then got a reconnect naming the last tick.
	var lastTick, reconnectEv event
	for ev := range events.events {
		switch ev.name {
		case "tick":
			lastTick = ev
		case "reconnect":
			reconnectEv = ev
		}
	}
	if events.endErr != nil {
		t.Errorf("stream did not end cleanly: %v", events.endErr)
	}
	if n, _ := strconv.Atoi(lastTick.id); n < 5 {
		t.Errorf("last tick id = %q, want the stream to keep ticking during the delay", lastTick.id)
	}
	var rc struct {
		App     string `json:"app"`
		LastSeq int    `json:"lastSeq"`
	}
	if err := json.Unmarshal([]byte(reconnectEv.data), &rc); err != nil {
		t.Fatalf("reconnect data %q: %v", reconnectEv.data, err)
	}
	if strconv.Itoa(rc.LastSeq) != lastTick.id || rc.App != "go-app" {
		t.Errorf("reconnect = %s, want lastSeq %s", reconnectEv.data, lastTick.id)
	}

	if code := app.waitExit(5 * time.Second); code != 0 {
		t.Errorf("exit = %d, want 0", code)
	}
	app.waitLog("drain: done, exit 0", time.Second)
}

func TestSIGINTDrainsTooAndRepeatSignalsAreIgnored(t *testing.T) {
	t.Parallel()
	app := startApp(t, "DRAIN_DELAY_MS=300")
	app.signal(syscall.SIGINT)
	app.waitLog("drain: SIGINT received, readiness=503, serving for 300ms", 2*time.Second)
	app.signal(syscall.SIGINT)
	app.waitLog("already draining", 2*time.Second)
	if code := app.waitExit(5 * time.Second); code != 0 {
		t.Errorf("exit = %d, want 0", code)
	}
}

func TestDrainTimeoutCutsAndExits1(t *testing.T) {
	t.Parallel()
	app := startApp(t, "DRAIN_DELAY_MS=0", "DRAIN_TIMEOUT_MS=300")
	stuck := dial(t, app.addr())
	stuck.send(t, "GET", "/?sleep=10000")
	time.Sleep(100 * time.Millisecond)
	app.signal(syscall.SIGTERM)
	if code := app.waitExit(5 * time.Second); code != 1 {
		t.Errorf("exit = %d, want 1 so a cut drain is visible", code)
	}
	app.waitLog("drain: timeout after 300ms, cutting 1 connections", time.Second)
}
