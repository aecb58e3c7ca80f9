// go_files: file I/O through Go's os and io packages under ferry: create,
// write at offsets, read back, seek, truncate, stat, rename, links,
// directories read in order, permissions, file locking through flock,
// a file read concurrently by goroutines, and errors that carry the
// kernel's errno.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
)

func main() {
	dir, err := os.MkdirTemp("", "go_files")
	if err != nil {
		fmt.Println("MkdirTemp:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	syscall.Umask(022)
	p := filepath.Join(dir, "data.txt")

	f, _ := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0640)
	w := bufio.NewWriter(f)
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(w, "line %04d\n", i)
	}
	w.Flush()
	f.WriteAt([]byte("LINE"), 10*100)
	off, _ := f.Seek(-10, io.SeekEnd)
	last := make([]byte, 10)
	f.Read(last)
	fmt.Printf("size-10 at %d: %q\n", off, last)
	buf := make([]byte, 9)
	f.ReadAt(buf, 1000)
	fmt.Printf("ReadAt 1000: %q\n", buf)
	f.Truncate(55)
	fi, _ := f.Stat()
	fmt.Println("after truncate:", fi.Size(), fi.Mode(), fi.Name(), fi.IsDir())
	_, err = os.OpenFile(p, os.O_CREATE|os.O_EXCL, 0600)
	fmt.Println("O_EXCL on an existing file:", errors.Is(err, fs.ErrExist))

	// flock: a second descriptor cannot take an exclusive lock.
	g, _ := os.Open(p)
	fmt.Println("flock ex:", syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB))
	fmt.Println("flock ex from another fd:", syscall.Flock(int(g.Fd()), syscall.LOCK_EX|syscall.LOCK_NB))
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	fmt.Println("after unlock:", syscall.Flock(int(g.Fd()), syscall.LOCK_SH|syscall.LOCK_NB))
	g.Close()
	f.Close()

	// Concurrent readers of one file (pread from many threads).
	big := filepath.Join(dir, "big")
	content := make([]byte, 1<<20)
	for i := range content {
		content[i] = byte(i * 7)
	}
	os.WriteFile(big, content, 0600)
	bf, _ := os.Open(big)
	var wg sync.WaitGroup
	sums := make([]int, 16)
	for r := 0; r < 16; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			chunk := make([]byte, 1<<16)
			bf.ReadAt(chunk, int64(r)<<16)
			for _, b := range chunk {
				sums[r] += int(b)
			}
		}(r)
	}
	wg.Wait()
	bf.Close()
	fmt.Println("chunk sums:", sums)

	// Directories, renames and links.
	os.MkdirAll(filepath.Join(dir, "a/b/c"), 0755)
	for _, n := range []string{"z", "m", "a/x", "a/b/y"} {
		os.WriteFile(filepath.Join(dir, n), []byte(n), 0644)
	}
	os.Rename(filepath.Join(dir, "z"), filepath.Join(dir, "a/b/c/z"))
	os.Symlink("a/b/c/z", filepath.Join(dir, "sym"))
	os.Link(filepath.Join(dir, "m"), filepath.Join(dir, "hard"))
	target, _ := os.Readlink(filepath.Join(dir, "sym"))
	viaLink, _ := os.ReadFile(filepath.Join(dir, "sym"))
	fmt.Printf("symlink -> %s reads %q\n", target, viaLink)
	hi, _ := os.Stat(filepath.Join(dir, "hard"))
	fmt.Println("hard link count:", hi.Sys().(*syscall.Stat_t).Nlink)
	var walked []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, path)
		info, _ := d.Info()
		walked = append(walked, fmt.Sprintf("%s %v", rel, info.Mode()))
		return nil
	})
	sort.Strings(walked)
	fmt.Println("walk:", walked)
	entries, _ := os.ReadDir(filepath.Join(dir, "a"))
	for _, e := range entries {
		fmt.Println("entry:", e.Name(), e.IsDir(), e.Type())
	}
	os.Chmod(filepath.Join(dir, "m"), 0400)
	mi, _ := os.Lstat(filepath.Join(dir, "m"))
	li, _ := os.Lstat(filepath.Join(dir, "sym"))
	fmt.Println("modes:", mi.Mode(), li.Mode()&fs.ModeSymlink != 0)

	// Errors carry the kernel's errno.
	_, err = os.Open(filepath.Join(dir, "missing"))
	fmt.Println("missing:", errors.Is(err, syscall.ENOENT))
	err = os.Remove(filepath.Join(dir, "a"))
	fmt.Println("remove a non-empty dir:", errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST))
	_, err = os.ReadDir(filepath.Join(dir, "m"))
	fmt.Println("readdir of a file:", errors.Is(err, syscall.ENOTDIR))
	err = os.Mkdir(filepath.Join(dir, "a"), 0755)
	fmt.Println("mkdir existing:", errors.Is(err, fs.ErrExist))

	// A pipe through the netpoller with a reader goroutine.
	r, wp, _ := os.Pipe()
	go func() {
		for i := 0; i < 100; i++ {
			fmt.Fprintf(wp, "%d,", i)
		}
		wp.Close()
	}()
	all, _ := io.ReadAll(r)
	fmt.Println("pipe bytes:", len(all))
}
