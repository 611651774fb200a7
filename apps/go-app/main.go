// Command go-app is the lab's Go service: a tiny HTTP app that drains without dropping requests.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	exitOK        = 0
	exitFailure   = 1 // drain timed out (connections were cut), or the listener failed
	exitBadConfig = 2
)

func main() {
	healthcheck := flag.Bool("healthcheck", false, "probe http://127.0.0.1:$PORT/healthz and exit 0 when it answers 200 (for Docker HEALTHCHECK)")
	flag.Parse()

	cfg, problems := loadConfig(os.Getenv)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "ERROR: bad configuration:", p)
		}
		os.Exit(exitBadConfig)
	}
	if *healthcheck {
		os.Exit(probe(cfg))
	}
	os.Exit(run(cfg))
}

// probe lets the image check its own health without shipping curl.
func probe(cfg config) int {
	client := http.Client{Timeout: 900 * time.Millisecond} // under the HEALTHCHECK timeout of 1s
	resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", cfg.Port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck: status", resp.StatusCode)
		return 1
	}
	return 0
}

func logf(format string, args ...interface{}) {
	fmt.Printf(format+"\n", args...)
}

func run(cfg config) int {
	rand.Seed(time.Now().UnixNano())

	// Subscribe before listening so a SIGTERM that arrives right after start still drains.
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)

	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.ListenAddr, strconv.Itoa(cfg.Port)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "ERROR: listen:", err)
		return exitFailure
	}
	a := newApp(cfg)
	var openConns atomic.Int64
	srv := &http.Server{
		Handler:           a,
		ReadHeaderTimeout: 10 * time.Second,
		// Longer than any proxy's upstream idle timeout, so the proxy closes idle connections
		// first; a server closing one the proxy is reusing drops that request.
		IdleTimeout: cfg.KeepAliveTimeout,
		ConnState: func(_ net.Conn, s http.ConnState) {
			switch s {
			case http.StateNew:
				openConns.Add(1)
			case http.StateClosed, http.StateHijacked:
				openConns.Add(-1)
			}
		},
	}
	// Shutdown closes the listener first, then calls this: streams must end for Shutdown to finish,
	// and WebSockets get their close frame now, when proxies no longer route to this instance.
	listenerClosed := make(chan struct{})
	srv.RegisterOnShutdown(func() {
		logf("drain: listener closed, %d in flight (%d streams), %d websockets, ending streams and websockets, waiting up to %dms",
			a.inFlight.Load(), a.streams.Load(), a.ws.count(), cfg.DrainTimeout.Milliseconds())
		close(a.closing)
		close(listenerClosed)
	})

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	port := ln.Addr().(*net.TCPAddr).Port // the real one when PORT=0
	logf("start: app=%s version=%s instance=%s port=%d addr=%s",
		cfg.AppName, cfg.Version, cfg.Instance, port, net.JoinHostPort(cfg.ListenAddr, strconv.Itoa(port)))

	var sig os.Signal
	select {
	case sig = <-signals:
	case err := <-serveErr:
		fmt.Fprintln(os.Stderr, "ERROR: serve:", err)
		return exitFailure
	}
	go func() {
		for s := range signals {
			logf("drain: %s received again, already draining", signalName(s))
		}
	}()

	// 1. Readiness goes 503 at once; 2. keep serving so proxies and LBs notice before we leave.
	a.draining.Store(true)
	logf("drain: %s received, readiness=503, serving for %dms", signalName(sig), cfg.DrainDelay.Milliseconds())
	time.Sleep(cfg.DrainDelay)

	// 3. Stop accepting, close idle keep-alive connections, answer the rest with Connection: close,
	// and wait for in-flight requests (including long ones) up to the drain timeout.
	ctx, cancel := context.WithTimeout(context.Background(), cfg.DrainTimeout)
	defer cancel()
	err = srv.Shutdown(ctx)
	<-listenerClosed // the hook runs in its own goroutine; keep the log in order
	if err == nil {
		// Shutdown neither waits for nor closes hijacked connections: wait for the WebSockets'
		// close handshakes ourselves, within the same deadline.
		err = a.ws.wait(ctx)
	}
	if err != nil {
		logf("drain: timeout after %dms, cutting %d connections (%d requests in flight, %d websockets), exit 1",
			cfg.DrainTimeout.Milliseconds(), openConns.Load()+int64(a.ws.count()), a.inFlight.Load(), a.ws.count())
		srv.Close()
		a.ws.cut()
		return exitFailure
	}
	if answered, unanswered := a.ws.answered.Load(), a.ws.unanswered.Load(); answered+unanswered > 0 {
		logf("drain: %d websockets closed with 1012: %d answered the close, %d did not within %dms and were closed",
			answered+unanswered, answered, unanswered, cfg.WSCloseTimeout.Milliseconds())
	}
	logf("drain: done, exit 0")
	return exitOK
}

func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGINT:
		return "SIGINT"
	}
	return s.String()
}
