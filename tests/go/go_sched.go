// go_sched: the Go scheduler on several threads under ferry. Goroutines
// that spin in loops with no calls can only be stopped by the runtime's
// asynchronous preemption (SIGURG sent with tgkill to the thread running
// them), so the garbage collector's stop-the-world and a sleeping goroutine
// that must run on a busy P both depend on ferry delivering a signal to a
// thread that is in translated code, not in a syscall. Timers: time.Sleep,
// time.Ticker, time.AfterFunc, a stopped and a reset timer, a context
// deadline.
package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var sink uint64

// spin loops with no function calls (no cooperative preemption point)
// until stop is set.
func spin(stop *int32, counter *uint64) {
	x := uint64(1)
	for atomic.LoadInt32(stop) == 0 {
		for i := 0; i < 1000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		atomic.AddUint64(counter, 1)
	}
	atomic.AddUint64(&sink, x)
}

func preemption() {
	runtime.GOMAXPROCS(2)
	var stop int32
	var counters [4]uint64
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) { defer wg.Done(); spin(&stop, &counters[g]) }(g)
	}
	// Four spinners on two Ps: this goroutine runs again only if the
	// spinners are preempted, and the GC needs them stopped too.
	time.Sleep(50 * time.Millisecond)
	before := runtime.NumGoroutine()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	gcBefore := stats.NumGC
	runtime.GC()
	runtime.ReadMemStats(&stats)
	fmt.Println("gc while spinning:", stats.NumGC > gcBefore, "goroutines:", before)
	// Every spinner got CPU time: the scheduler rotated them by preempting.
	time.Sleep(100 * time.Millisecond)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	all := true
	for g := range counters {
		if atomic.LoadUint64(&counters[g]) == 0 {
			all = false
		}
	}
	fmt.Println("every spinner ran:", all)
}

func threads() {
	runtime.GOMAXPROCS(4)
	// Goroutines locked to their own OS threads: each reports a distinct
	// thread id (gettid) while all are alive.
	const n = 6
	ids := make(chan int, n)
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ids <- syscall.Gettid()
			<-release
		}()
	}
	seen := map[int]bool{}
	for i := 0; i < n; i++ {
		seen[<-ids] = true
	}
	close(release)
	wg.Wait()
	fmt.Println("locked goroutines on distinct threads:", len(seen) == n)

	// A parallel sum over many goroutines and Ps.
	var total uint64
	var wg2 sync.WaitGroup
	for g := 0; g < 64; g++ {
		wg2.Add(1)
		go func(g int) {
			defer wg2.Done()
			s := uint64(0)
			for i := 0; i < 20000; i++ {
				s += uint64(i ^ g)
			}
			atomic.AddUint64(&total, s)
		}(g)
	}
	wg2.Wait()
	fmt.Println("parallel sum:", total)
}

func timers() {
	start := time.Now()
	time.Sleep(30 * time.Millisecond)
	fmt.Println("sleep 30ms took >= 30ms:", time.Since(start) >= 30*time.Millisecond)

	tickStart := time.Now()
	ticker := time.NewTicker(10 * time.Millisecond)
	ticks := 0
	for range ticker.C {
		ticks++
		if ticks == 5 {
			break
		}
	}
	ticker.Stop()
	fmt.Println("5 ticks of 10ms took >= 50ms:", time.Since(tickStart) >= 50*time.Millisecond)

	fired := make(chan string, 3)
	time.AfterFunc(20*time.Millisecond, func() { fired <- "afterfunc" })
	stopped := time.AfterFunc(10*time.Millisecond, func() { fired <- "stopped timer fired" })
	fmt.Println("stop before expiry:", stopped.Stop())
	reset := time.NewTimer(time.Hour)
	reset.Reset(5 * time.Millisecond)
	<-reset.C
	fmt.Println("reset timer fired")
	fmt.Println("fired:", <-fired)
	select {
	case s := <-fired:
		fmt.Println("unexpected:", s)
	case <-time.After(30 * time.Millisecond):
		fmt.Println("stopped timer stayed quiet")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Millisecond)
	defer cancel()
	<-ctx.Done()
	fmt.Println("context:", ctx.Err())

	// Many timers at once, woken in deadline order.
	order := make(chan int, 20)
	base := time.Now() // deadlines from one base: a stall while arming cannot reorder them
	for i := 19; i >= 0; i-- {
		i := i
		time.AfterFunc(time.Until(base.Add(time.Duration(i)*3*time.Millisecond)), func() { order <- i })
	}
	inOrder := 0
	last := -1
	for k := 0; k < 20; k++ {
		v := <-order
		if v > last {
			inOrder++
		}
		last = v
	}
	fmt.Println("20 timers fired, mostly in order:", inOrder >= 15)
}

func main() {
	threads()
	timers()
	preemption()
}
