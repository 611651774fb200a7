//go:build !linux

package main

import "syscall"

// childProcAttr: Pdeathsig is Linux-only; elsewhere the test cleanups alone stop the app.
func childProcAttr() *syscall.SysProcAttr { return nil }
