// go_signals: os/signal under ferry. signal.Notify for signals sent by the
// process to itself (kill, tgkill through syscall.Kill) and from outside
// (compare.sh's @SIGNAL), signal.Ignore, signal.Reset, signal.Stop, and a
// SIGPIPE from a write to a closed pipe, which Go turns into EPIPE for
// descriptors other than 1 and 2.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func waitFor(c chan os.Signal, what string) {
	select {
	case s := <-c:
		fmt.Println(what+":", s)
	case <-time.After(5 * time.Second):
		fmt.Println(what + ": timed out")
	}
}

func main() {
	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGHUP)
	pid := os.Getpid()

	syscall.Kill(pid, syscall.SIGUSR1)
	waitFor(c, "self SIGUSR1")
	syscall.Kill(pid, syscall.SIGUSR2)
	waitFor(c, "self SIGUSR2")

	// From a goroutine on another thread.
	go func() { syscall.Kill(pid, syscall.SIGHUP) }()
	waitFor(c, "SIGHUP from a goroutine")

	// compare.sh sends SIGUSR1 from outside at 1 s.
	fmt.Println("ready for an outside signal")
	waitFor(c, "outside")

	signal.Ignore(syscall.SIGUSR2)
	syscall.Kill(pid, syscall.SIGUSR2)
	select {
	case s := <-c:
		fmt.Println("ignored signal arrived:", s)
	case <-time.After(100 * time.Millisecond):
		fmt.Println("ignored SIGUSR2 stayed away, ignored:", signal.Ignored(syscall.SIGUSR2))
	}

	signal.Stop(c)
	c2 := make(chan os.Signal, 1)
	signal.Notify(c2, syscall.SIGUSR1)
	syscall.Kill(pid, syscall.SIGUSR1)
	waitFor(c2, "second channel")
	select {
	case s := <-c:
		fmt.Println("stopped channel got:", s)
	default:
		fmt.Println("stopped channel quiet")
	}

	// SIGPIPE on a pipe other than stdout/stderr: the write reports EPIPE.
	r, w, _ := os.Pipe()
	r.Close()
	_, err := w.Write([]byte("x"))
	fmt.Println("write to a closed pipe:", err)
	w.Close()

	// A SIGCHLD handler: Notify for it, then a child exits.
	cc := make(chan os.Signal, 1)
	signal.Notify(cc, syscall.SIGCHLD)
	exe, _ := os.Executable()
	p, err := os.StartProcess(exe, []string{exe, "child"}, &os.ProcAttr{Env: []string{"GO_SIGNALS_CHILD=1"}})
	if err != nil {
		fmt.Println("start:", err)
		os.Exit(1)
	}
	st, _ := p.Wait()
	waitFor(cc, "child exited "+st.String())

	// SIGTERM notified, then reset: the default action kills the process.
	signal.Notify(c2, syscall.SIGTERM)
	syscall.Kill(pid, syscall.SIGTERM)
	waitFor(c2, "notified SIGTERM")
	signal.Reset(syscall.SIGTERM)
	fmt.Println("dying of SIGTERM")
	os.Stdout.Sync()
	syscall.Kill(pid, syscall.SIGTERM)
	time.Sleep(5 * time.Second)
	fmt.Println("still alive")
}

func init() {
	if os.Getenv("GO_SIGNALS_CHILD") == "1" {
		os.Exit(7)
	}
}
