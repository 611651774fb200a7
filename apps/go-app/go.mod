module zerodrop/go-app

go 1.19

require github.com/gorilla/websocket v1.5.0

// Debian's golang-github-gorilla-websocket-dev (lib/packages, and the Dockerfile's build stage):
// builds run offline (GOPROXY=off), and the source comes from a signed, pinned package.
replace github.com/gorilla/websocket => /usr/share/gocode/src/github.com/gorilla/websocket
