package main

import (
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// config holds every knob; each one is an environment variable (see README.md).
type config struct {
	ListenAddr       string
	Port             int
	AppName          string
	Version          string
	Instance         string
	FailHealth       bool
	SleepMax         time.Duration
	SleepRandomMin   time.Duration
	SleepRandomMax   time.Duration
	StreamInterval   time.Duration
	DrainDelay       time.Duration
	DrainTimeout     time.Duration
	KeepAliveTimeout time.Duration
	WSCloseTimeout   time.Duration
}

var (
	appNamePattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	versionPattern  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	instancePattern = regexp.MustCompile(`^[\x20-\x7e]{1,253}$`)
)

// loadConfig reads the environment and returns every problem at once, so a
// misconfigured container fails with one complete message instead of several restarts.
func loadConfig(getenv func(string) string) (config, []string) {
	var problems []string
	str := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	num := func(name string, def, min, max int) int {
		raw := getenv(name)
		if raw == "" {
			return def
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < min || n > max {
			problems = append(problems, fmt.Sprintf("%s=%q: want an integer in [%d, %d]", name, raw, min, max))
			return def
		}
		return n
	}
	ms := func(name string, def, min, max int) time.Duration {
		return time.Duration(num(name, def, min, max)) * time.Millisecond
	}
	const day = 24 * 60 * 60 * 1000

	hostname, _ := os.Hostname()
	c := config{
		ListenAddr:       str("LISTEN_ADDR", "0.0.0.0"),
		Port:             num("PORT", 8080, 0, 65535),
		AppName:          str("APP_NAME", "go-app"),
		Version:          str("APP_VERSION", "dev"),
		Instance:         str("INSTANCE", hostname),
		SleepMax:         ms("SLEEP_MAX_MS", 60000, 0, day),
		SleepRandomMin:   ms("SLEEP_RANDOM_MIN_MS", 1000, 0, day),
		SleepRandomMax:   ms("SLEEP_RANDOM_MAX_MS", 5000, 0, day),
		StreamInterval:   ms("STREAM_INTERVAL_MS", 1000, 10, day),
		DrainDelay:       ms("DRAIN_DELAY_MS", 5000, 0, day),
		DrainTimeout:     ms("DRAIN_TIMEOUT_MS", 30000, 0, day),
		KeepAliveTimeout: ms("KEEPALIVE_TIMEOUT_MS", 65000, 1000, day),
		WSCloseTimeout:   ms("WS_CLOSE_TIMEOUT_MS", 5000, 1, day),
	}

	switch strings.ToLower(getenv("FAIL_HEALTH")) {
	case "", "false", "0":
	case "true", "1":
		c.FailHealth = true
	default:
		problems = append(problems, fmt.Sprintf("FAIL_HEALTH=%q: want true or false", getenv("FAIL_HEALTH")))
	}
	if net.ParseIP(c.ListenAddr) == nil {
		problems = append(problems, fmt.Sprintf("LISTEN_ADDR=%q: want an IP address such as 0.0.0.0 or 127.0.0.1", c.ListenAddr))
	}
	if !appNamePattern.MatchString(c.AppName) {
		problems = append(problems, fmt.Sprintf("APP_NAME=%q: want %s (it becomes a URL prefix)", c.AppName, appNamePattern))
	}
	if !versionPattern.MatchString(c.Version) {
		problems = append(problems, fmt.Sprintf("APP_VERSION=%q: want %s", c.Version, versionPattern))
	}
	if !instancePattern.MatchString(c.Instance) {
		problems = append(problems, fmt.Sprintf("INSTANCE=%q: want 1-253 printable ASCII characters (it is sent as a header)", c.Instance))
	}
	if c.SleepRandomMin > c.SleepRandomMax {
		problems = append(problems, "SLEEP_RANDOM_MIN_MS must not exceed SLEEP_RANDOM_MAX_MS")
	}
	if c.SleepRandomMax > c.SleepMax {
		problems = append(problems, "SLEEP_RANDOM_MAX_MS must not exceed SLEEP_MAX_MS")
	}
	return c, problems
}
