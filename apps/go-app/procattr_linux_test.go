package main

import "syscall"

// childProcAttr makes the kernel kill the app if the test binary dies, so no process is left behind.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
