package main

// Helpers that run the real binary: the drain contract lives in signal handling and sockets,
// which only a real process on a real port can prove.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "go-app-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "go-app")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building go-app:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// appProcess is one running go-app, with its stdout collected line by line.
type appProcess struct {
	t      *testing.T
	cmd    *exec.Cmd
	port   int
	exited chan struct{}
	exit   int

	mu    sync.Mutex
	lines []string
	grew  chan struct{} // closed and replaced whenever a line arrives
}

// baseEnv keeps tests fast and independent of the caller's environment (no inherited PORT etc.).
var baseEnv = []string{
	"LISTEN_ADDR=127.0.0.1",
	"PORT=0", // the app picks a free port and logs it
	"INSTANCE=test-1",
	"APP_VERSION=t1",
	"DRAIN_DELAY_MS=500",
	"STREAM_INTERVAL_MS=100",
}

var portPattern = regexp.MustCompile(`^start: .* port=(\d+) `)

func startApp(t *testing.T, env ...string) *appProcess {
	t.Helper()
	p := launch(t, nil, env...)
	line := p.waitLog("start: ", 5*time.Second)
	m := portPattern.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no port in start line %q", line)
	}
	fmt.Sscan(m[1], &p.port)
	return p
}

// launch starts the binary without waiting for it to listen (config errors never do).
func launch(t *testing.T, args []string, env ...string) *appProcess {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append([]string{}, baseEnv...), env...)
	cmd.SysProcAttr = childProcAttr() // dies with the test binary, even on a crash
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout // both streams in one ordered log
	p := &appProcess{t: t, cmd: cmd, exited: make(chan struct{}), grew: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("app log:\n%s", strings.Join(p.log(), "\n"))
		}
	})
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, scanner.Text())
			close(p.grew)
			p.grew = make(chan struct{})
			p.mu.Unlock()
		}
		cmd.Wait()
		p.exit = cmd.ProcessState.ExitCode()
		close(p.exited)
	}()
	return p
}

func (p *appProcess) log() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string{}, p.lines...)
}

// waitLog returns the first log line containing substr.
func (p *appProcess) waitLog(substr string, timeout time.Duration) string {
	p.t.Helper()
	deadline := time.After(timeout)
	for {
		p.mu.Lock()
		for _, l := range p.lines {
			if strings.Contains(l, substr) {
				p.mu.Unlock()
				return l
			}
		}
		grew := p.grew
		p.mu.Unlock()
		select {
		case <-grew:
		case <-p.exited:
			select {
			case <-grew: // lines may still be arriving
			case <-time.After(100 * time.Millisecond):
				p.t.Fatalf("app exited (%d) without logging %q", p.exit, substr)
			}
		case <-deadline:
			p.t.Fatalf("no log line with %q after %v", substr, timeout)
		}
	}
}

func (p *appProcess) signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
}

func (p *appProcess) waitExit(timeout time.Duration) int {
	p.t.Helper()
	select {
	case <-p.exited:
		return p.exit
	case <-time.After(timeout):
		p.t.Fatalf("app still running after %v", timeout)
		return -1
	}
}

func (p *appProcess) url(pathAndQuery string) string {
	return fmt.Sprintf("http://127.0.0.1:%d%s", p.port, pathAndQuery)
}

func (p *appProcess) addr() string { return fmt.Sprintf("127.0.0.1:%d", p.port) }

// fresh is a client that opens a new connection per request, so each call tests the listener.
var fresh = &http.Client{
	Transport: &http.Transport{DisableKeepAlives: true},
	Timeout:   10 * time.Second,
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := fresh.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp, string(body)
}

// rawConn is one TCP connection driven by hand, to observe keep-alive and Connection: close.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{c, bufio.NewReader(c)}
}

func (c *rawConn) send(t *testing.T, method, target string) {
	t.Helper()
	if _, err := fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: test\r\n\r\n", method, target); err != nil {
		t.Fatal(err)
	}
}

func (c *rawConn) receive(t *testing.T) (*http.Response, string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return resp, string(body)
}

// closedByServer reports whether the server closed the connection (EOF) within timeout.
func (c *rawConn) closedByServer(timeout time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(timeout))
	_, err := c.r.ReadByte()
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}

type event struct{ id, name, data string }

// sseStream is an SSE body parsed into events. events closes when the body ends; endErr then
// says how it ended (nil for a clean end after a complete event).
type sseStream struct {
	events <-chan event
	endErr error
}

func readEvents(body io.ReadCloser) *sseStream {
	events := make(chan event, 1000)
	s := &sseStream{events: events}
	go func() {
		defer close(events) // publishes endErr to whoever sees the close
		defer body.Close()
		r := bufio.NewReader(body)
		var ev event
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if err != io.EOF || line != "" {
					s.endErr = fmt.Errorf("stream ended mid-event: %q, %v", line, err)
				}
				return
			}
			line = strings.TrimSuffix(line, "\n")
			switch {
			case line == "":
				events <- ev
				ev = event{}
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
	}()
	return s
}

func (s *sseStream) next(t *testing.T, timeout time.Duration) event {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatal("stream ended")
		}
		return ev
	case <-time.After(timeout):
		t.Fatalf("no event within %v", timeout)
		return event{}
	}
}
