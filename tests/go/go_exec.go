// go_exec: os/exec under ferry. The program runs itself as the child (a
// role picked by GO_EXEC_ROLE), so the child is a guest program ferry
// starts through execve: a pipeline of three processes joined by pipes,
// stdin/stdout/stderr plumbing, exit statuses, the environment and working
// directory, and a child killed by CommandContext's deadline.
package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

func child(role string) {
	switch role {
	case "upper": // stdin to stdout, upper-cased
		data, _ := io.ReadAll(os.Stdin)
		os.Stdout.Write(bytes.ToUpper(data))
	case "sort": // sorts stdin's lines
		var lines []string
		s := bufio.NewScanner(os.Stdin)
		for s.Scan() {
			lines = append(lines, s.Text())
		}
		sort.Strings(lines)
		fmt.Println(strings.Join(lines, "\n"))
	case "count": // counts lines and bytes of stdin
		data, _ := io.ReadAll(os.Stdin)
		fmt.Printf("%d lines, %d bytes\n", bytes.Count(data, []byte("\n")), len(data))
	case "env":
		wd, _ := os.Getwd()
		fmt.Printf("FOO=%s cwd=%s args=%q\n", os.Getenv("FOO"), wd, os.Args[1:])
	case "fail":
		fmt.Fprintln(os.Stderr, "failing on purpose")
		os.Exit(42)
	case "sleep":
		time.Sleep(time.Minute)
	}
	os.Exit(0)
}

func self(role string, args ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "GO_EXEC_ROLE="+role)
	return cmd
}

func main() {
	// upper | sort | count, with the data fed from this process.
	upper, sorter, counter := self("upper"), self("sort"), self("count")
	upperIn, _ := upper.StdinPipe()
	sorter.Stdin, _ = upper.StdoutPipe()
	counter.Stdin, _ = sorter.StdoutPipe()
	var counted bytes.Buffer
	counter.Stdout = &counted
	for _, c := range []*exec.Cmd{upper, sorter, counter} {
		if err := c.Start(); err != nil {
			fmt.Println("start:", err)
			os.Exit(1)
		}
	}
	words := "pear\napple\nfig\nbanana\ncherry\n"
	for i := 0; i < 200; i++ {
		io.WriteString(upperIn, words)
	}
	upperIn.Close()
	for _, c := range []*exec.Cmd{upper, sorter, counter} {
		if err := c.Wait(); err != nil {
			fmt.Println("wait:", err)
		}
	}
	fmt.Print("pipeline: ", counted.String())

	// upper | sort on a short input, the output read back.
	up2, sort2 := self("upper"), self("sort")
	up2.Stdin = strings.NewReader(words)
	sort2.Stdin, _ = up2.StdoutPipe()
	out, _ := sort2.StdoutPipe()
	up2.Start()
	sort2.Start()
	sorted, _ := io.ReadAll(out)
	up2.Wait()
	sort2.Wait()
	fmt.Printf("sorted: %q\n", sorted)

	// Environment, working directory and arguments.
	envCmd := self("env", "a b", "c")
	envCmd.Env = append(envCmd.Env, "FOO=bar")
	envCmd.Dir = "/"
	got, err := envCmd.Output()
	fmt.Printf("env child: %s (err %v)\n", strings.TrimSpace(string(got)), err)

	// Exit status and stderr.
	fail := self("fail")
	var stderr bytes.Buffer
	fail.Stderr = &stderr
	err = fail.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		fmt.Printf("fail child: exit %d, stderr %q\n", ee.ExitCode(), stderr.String())
	} else {
		fmt.Println("fail child:", err)
	}

	// A deadline kills a sleeping child with SIGKILL.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	exe, _ := os.Executable()
	sleeper := exec.CommandContext(ctx, exe)
	sleeper.Env = append(os.Environ(), "GO_EXEC_ROLE=sleep")
	start := time.Now()
	err = sleeper.Run()
	fmt.Println("sleeping child:", err, "killed within 20s:", time.Since(start) < 20*time.Second)

	// A missing program.
	_, err = exec.Command("/nonexistent/program").Output()
	fmt.Println("missing program:", err)
}

func init() {
	if role := os.Getenv("GO_EXEC_ROLE"); role != "" {
		child(role)
	}
}
