// go_hash: a CPU-bound Go program. 8 goroutines (GOMAXPROCS 4) each hash
// their own 1 MiB buffer with SHA-256 16 times over, chaining digests, then
// the digests are combined: the Go runtime's scheduler, its threads and
// plain integer code (crypto/sha256's generic code on riscv64; arm64's uses
// the SHA2 instructions, amd64's SHA-NI or AVX2 where the CPU has them).
//
// usage: go_hash [DIVISOR]   (DIVISOR > 1 shrinks the work, for --quick)
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
)

func main() {
	divisor := 1
	if len(os.Args) > 1 {
		if d, err := strconv.Atoi(os.Args[1]); err == nil && d > 1 {
			divisor = d
		}
	}
	runtime.GOMAXPROCS(4)
	const workers = 8
	rounds := 16 / divisor
	digests := make([][32]byte, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			buf := make([]byte, 1<<20)
			for i := range buf {
				buf[i] = byte(i*31 + w)
			}
			var d [32]byte
			for r := 0; r < rounds; r++ {
				copy(buf, d[:])
				d = sha256.Sum256(buf)
			}
			digests[w] = d
		}(w)
	}
	wg.Wait()
	all := sha256.New()
	for _, d := range digests {
		all.Write(d[:])
	}
	fmt.Printf("go_hash %d workers x %d rounds: %x\n", workers, rounds, all.Sum(nil)[:8])
}
