// go_basics: the Go runtime's start-up and scheduler under ferry (issue 12:
// riscv64's runtime.cputicks reads the cycle/time CSR within 0.1 s of the
// start; the first timer or file needs the netpoller's epoll). Goroutines
// on several threads, channels, a mutex, timers, a file, the garbage
// collector, a recovered panic and an exit status.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

func worker(id int, jobs <-chan int, results chan<- [2]int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		sum := 0
		for k := 1; k <= j; k++ {
			sum += k * k
		}
		results <- [2]int{j, sum}
	}
}

func main() {
	runtime.GOMAXPROCS(4)
	jobs := make(chan int, 100)
	results := make(chan [2]int, 100)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go worker(w, jobs, results, &wg)
	}
	for j := 1; j <= 100; j++ {
		jobs <- j * 37
	}
	close(jobs)
	wg.Wait()
	close(results)
	total := 0
	seen := []int{}
	for r := range results {
		total += r[1] % 1000003
		seen = append(seen, r[0])
	}
	sort.Ints(seen)
	fmt.Println("jobs done:", len(seen), "first", seen[0], "last", seen[len(seen)-1], "checksum", total)

	var mu sync.Mutex
	counter := 0
	var wg2 sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for i := 0; i < 2000; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
				if i%500 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	wg2.Wait()
	fmt.Println("mutex counter:", counter)

	var keep [][]byte
	for i := 0; i < 2000; i++ {
		b := make([]byte, 16<<10)
		b[0] = byte(i)
		if i%100 == 0 {
			keep = append(keep, b)
		}
	}
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	fmt.Println("kept:", len(keep), "gc ran:", stats.NumGC > 0)

	start := time.Now()
	woke := make(chan int)
	for i := 0; i < 10; i++ {
		go func(i int) { time.Sleep(time.Duration(i) * 5 * time.Millisecond); woke <- i }(i)
	}
	order := []int{}
	for i := 0; i < 10; i++ {
		order = append(order, <-woke)
	}
	<-time.After(20 * time.Millisecond)
	fmt.Println("sleepers woke:", len(order), "elapsed >= 45ms:", time.Since(start) >= 45*time.Millisecond)

	f, err := os.CreateTemp("", "go_basics")
	if err != nil {
		fmt.Println("CreateTemp:", err)
		os.Exit(1)
	}
	f.WriteString("written through the netpoller's file\n")
	f.Close()
	content, _ := os.ReadFile(f.Name())
	os.Remove(f.Name())
	fmt.Print("file: ", string(content))

	m := map[string]int{}
	for _, w := range strings.Fields("the quick brown fox jumps over the lazy dog the end") {
		m[w]++
	}
	fmt.Println("the:", m["the"], "words:", len(m))

	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		var a []int
		_ = a[len(os.Args)+5]
	}()
	os.Exit(3)
}
