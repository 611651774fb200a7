package main

import (
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHelloAtRootAndUnderAppPrefix(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	for _, path := range []string{"/", "/go-app/", "/go-app"} {
		resp, body := get(t, app.url(path))
		if resp.StatusCode != 200 || body != "Hi! from go-app t1 (test-1)" {
			t.Errorf("GET %s = %d %q", path, resp.StatusCode, body)
		}
		if resp.Header.Get("X-App-Version") != "t1" || resp.Header.Get("X-App-Instance") != "test-1" {
			t.Errorf("GET %s headers = %v", path, resp.Header)
		}
	}

	resp, err := fresh.Post(app.url("/go-app/"), "application/json", strings.NewReader(strings.Repeat("x", 1<<20)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("POST with a 1 MiB body = %d", resp.StatusCode)
	}

	if resp, _ := get(t, app.url("/nope")); resp.StatusCode != 404 {
		t.Errorf("GET /nope = %d, want 404", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodDelete, app.url("/"), nil)
	if resp, err := fresh.Do(req); err != nil || resp.StatusCode != 405 {
		t.Errorf("DELETE / = %v %v, want 405", resp, err)
	}
}

func TestPostBodyIsReadSoTheConnectionIsReused(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	c := dial(t, app.addr())
	body := strings.Repeat("y", 300<<10) // above net/http's 256 KiB auto-drain limit
	for i := 0; i < 2; i++ {
		if _, err := c.Write([]byte("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 307200\r\n\r\n" + body)); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		resp, _ := c.receive(t)
		if resp.StatusCode != 200 || resp.Close {
			t.Fatalf("request %d on one connection = %d, close=%v", i+1, resp.StatusCode, resp.Close)
		}
	}
}

func TestInstanceDefaultsToHostname(t *testing.T) {
	t.Parallel()
	app := startApp(t, "INSTANCE=")
	host, _ := os.Hostname()
	if resp, _ := get(t, app.url("/")); resp.Header.Get("X-App-Instance") != host {
		t.Errorf("X-App-Instance = %q, want hostname %q", resp.Header.Get("X-App-Instance"), host)
	}
}

func TestSleep(t *testing.T) {
	t.Parallel()
	app := startApp(t, "SLEEP_RANDOM_MIN_MS=200", "SLEEP_RANDOM_MAX_MS=300")
	for _, bad := range []string{"abc", "-1", "999999999", "", "1.5", "+5", "60001"} {
		resp, body := get(t, app.url("/?sleep="+bad))
		if resp.StatusCode != 400 || !strings.Contains(body, "SLEEP_MAX_MS") {
			t.Errorf("sleep=%q = %d %q, want 400 naming SLEEP_MAX_MS", bad, resp.StatusCode, body)
		}
	}
	for query, min := range map[string]time.Duration{"sleep=300": 300 * time.Millisecond, "sleep=random": 200 * time.Millisecond} {
		start := time.Now()
		resp, _ := get(t, app.url("/go-app/?"+query))
		if took := time.Since(start); resp.StatusCode != 200 || took < min || took > 2*time.Second {
			t.Errorf("%s = %d after %v, want 200 after at least %v", query, resp.StatusCode, took, min)
		}
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	for _, path := range []string{"/healthz", "/go-app/healthz"} {
		if resp, body := get(t, app.url(path)); resp.StatusCode != 200 || body != "ok" {
			t.Errorf("GET %s = %d %q, want 200 ok", path, resp.StatusCode, body)
		}
	}
	if code := runProbe(t, app.port); code != 0 {
		t.Errorf("-healthcheck exit = %d, want 0", code)
	}
}

func TestFailHealthIsAlwaysUnhealthy(t *testing.T) {
	t.Parallel()
	app := startApp(t, "FAIL_HEALTH=true")
	if resp, body := get(t, app.url("/healthz")); resp.StatusCode != 503 || body != "unhealthy (FAIL_HEALTH)" {
		t.Errorf("GET /healthz = %d %q, want 503 unhealthy (FAIL_HEALTH)", resp.StatusCode, body)
	}
	if resp, _ := get(t, app.url("/")); resp.StatusCode != 200 {
		t.Errorf("GET / = %d: a broken release still serves, only its health check fails", resp.StatusCode)
	}
	if code := runProbe(t, app.port); code != 1 {
		t.Errorf("-healthcheck exit = %d, want 1", code)
	}
}

func runProbe(t *testing.T, port int) int {
	t.Helper()
	p := launch(t, []string{"-healthcheck"}, "PORT="+strconv.Itoa(port))
	return p.waitExit(5 * time.Second)
}

func TestStreamStartsImmediatelyAndResumes(t *testing.T) {
	t.Parallel()
	app := startApp(t, "STREAM_INTERVAL_MS=60000") // only the immediate first event can arrive
	resp, err := http.Get(app.url("/go-app/stream"))
	if err != nil {
		t.Fatal(err)
	}
	if ct, cc := resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"); ct != "text/event-stream" || cc != "no-cache" {
		t.Errorf("headers: Content-Type %q, Cache-Control %q", ct, cc)
	}
	if !resp.Close {
		t.Error("stream response lacks Connection: close (a reconnect must not reuse its connection)")
	}
	ev := readEvents(resp.Body).next(t, 2*time.Second)
	if ev.id != "1" || ev.name != "tick" {
		t.Errorf("first event = %+v, want id 1 tick", ev)
	}
	var data map[string]interface{}
	if err := json.Unmarshal([]byte(ev.data), &data); err != nil {
		t.Fatalf("data %q: %v", ev.data, err)
	}
	want := map[string]interface{}{"app": "go-app", "version": "t1", "instance": "test-1", "seq": 1.0}
	for k, v := range want {
		if data[k] != v {
			t.Errorf("data[%s] = %v, want %v", k, data[k], v)
		}
	}

	// A client that saw event 41 resumes at 42.
	req, _ := http.NewRequest(http.MethodGet, app.url("/stream"), nil)
	req.Header.Set("Last-Event-ID", "41")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ev := readEvents(resp.Body).next(t, 2*time.Second); ev.id != "42" || !strings.Contains(ev.data, `"seq":42`) {
		t.Errorf("resumed event = %+v, want id 42", ev)
	}

	if resp, _ := get(t, app.url("/stream"), "Last-Event-ID", "x"); resp.StatusCode != 400 {
		t.Errorf("bad Last-Event-ID = %d, want 400", resp.StatusCode)
	}
}

func TestStreamTicksInOrder(t *testing.T) {
	t.Parallel()
	app := startApp(t, "STREAM_INTERVAL_MS=50")
	req, _ := http.NewRequest(http.MethodGet, app.url("/stream"), nil)
	req.Header.Set("Last-Event-ID", "7")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	events := readEvents(resp.Body)
	for want := 8; want <= 11; want++ {
		if ev := events.next(t, 2*time.Second); ev.id != strconv.Itoa(want) {
			t.Fatalf("event id = %s, want %d", ev.id, want)
		}
	}
}

func TestBadConfigExits2(t *testing.T) {
	t.Parallel()
	p := launch(t, nil, "DRAIN_DELAY_MS=soon", "APP_VERSION=no spaces", "SLEEP_RANDOM_MIN_MS=9000")
	if code := p.waitExit(5 * time.Second); code != 2 {
		t.Errorf("exit = %d, want 2", code)
	}
	log := strings.Join(p.log(), "\n")
	for _, want := range []string{`DRAIN_DELAY_MS="soon"`, `APP_VERSION="no spaces"`, "SLEEP_RANDOM_MIN_MS must not exceed"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}
