// go_net: Go's netpoller with sockets under ferry: a TCP echo server and
// clients on loopback, a Unix stream echo server, a unixgram and a UDP
// exchange, deadlines, and net.Interfaces / Addrs, which Go reads with
// NETLINK_ROUTE dumps (RTM_GETLINK, RTM_GETADDR) on an AF_NETLINK socket.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

func echo(c net.Conn) {
	defer c.Close()
	io.Copy(c, c)
}

func serve(l net.Listener, wg *sync.WaitGroup) {
	defer wg.Done()
	var conns sync.WaitGroup
	for {
		c, err := l.Accept()
		if err != nil {
			conns.Wait()
			return
		}
		conns.Add(1)
		go func() { defer conns.Done(); echo(c) }()
	}
}

// clients dials n clients at once; each sends lines and reads them back.
func clients(network, addr string, n int) string {
	var wg sync.WaitGroup
	results := make([]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := net.Dial(network, addr)
			if err != nil {
				results[i] = "dial: " + err.Error()
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			total := 0
			for k := 0; k < 50; k++ {
				line := fmt.Sprintf("client %d line %d %s\n", i, k, strings.Repeat("x", k*10))
				io.WriteString(c, line)
				back, err := r.ReadString('\n')
				if err != nil || back != line {
					results[i] = fmt.Sprintf("mismatch at %d: %v", k, err)
					return
				}
				total += len(back)
			}
			// A large write echoed back in pieces.
			big := strings.Repeat("0123456789abcdef", 64<<10)
			go io.WriteString(c, big)
			buf := make([]byte, len(big))
			_, err = io.ReadFull(r, buf)
			results[i] = fmt.Sprintf("ok %d bytes, big echo equal: %v %v", total, string(buf) == big, err)
		}(i)
	}
	wg.Wait()
	return strings.Join(results, "\n")
}

func tcp() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen tcp:", err)
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go serve(l, &wg)
	fmt.Println("tcp:\n" + clients("tcp", l.Addr().String(), 8))

	// A read deadline on a connection the server never answers.
	c, _ := net.Dial("tcp", l.Addr().String())
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_, err = c.Read(make([]byte, 1))
	fmt.Println("read past deadline is a timeout:", err.(net.Error).Timeout())
	// The peer's address is ours.
	fmt.Println("local and remote on loopback:", c.LocalAddr().(*net.TCPAddr).IP.IsLoopback(), c.RemoteAddr().(*net.TCPAddr).IP.IsLoopback())
	c.Close()
	// A refused connection.
	_, err = net.Dial("tcp", "127.0.0.1:1")
	fmt.Println("dial a closed port:", err != nil && strings.Contains(err.Error(), "refused"))
	l.Close()
	wg.Wait()
}

func unix(dir string) {
	path := filepath.Join(dir, "echo.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		fmt.Println("listen unix:", err)
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go serve(l, &wg)
	fmt.Println("unix:\n" + clients("unix", path, 4))
	l.Close()
	wg.Wait()
	_, err = os.Stat(path)
	fmt.Println("socket file removed on close:", os.IsNotExist(err))

	// unixgram: datagrams keep their boundaries.
	a, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(dir, "a.sock"), Net: "unixgram"})
	if err != nil {
		fmt.Println("unixgram:", err)
		return
	}
	b, _ := net.DialUnix("unixgram", nil, a.LocalAddr().(*net.UnixAddr))
	for _, m := range []string{"one", "two two", "three three three"} {
		b.Write([]byte(m))
	}
	buf := make([]byte, 100)
	for i := 0; i < 3; i++ {
		n, _ := a.Read(buf)
		fmt.Printf("unixgram datagram %d: %q\n", i, buf[:n])
	}
	a.Close()
	b.Close()
}

func udp() {
	s, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		fmt.Println("udp:", err)
		return
	}
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := s.ReadFromUDP(buf)
			if err != nil {
				return
			}
			s.WriteToUDP([]byte(strings.ToUpper(string(buf[:n]))), from)
		}
	}()
	c, _ := net.DialUDP("udp", nil, s.LocalAddr().(*net.UDPAddr))
	for _, m := range []string{"ping", "datagram two"} {
		c.Write([]byte(m))
		buf := make([]byte, 100)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := c.Read(buf)
		fmt.Printf("udp reply: %q %v\n", buf[:n], err)
	}
	c.Close()
	s.Close()
}

func interfaces() {
	ifs, err := net.Interfaces()
	if err != nil {
		fmt.Println("interfaces:", err)
		return
	}
	sort.Slice(ifs, func(i, j int) bool { return ifs[i].Index < ifs[j].Index })
	for _, ifi := range ifs {
		addrs, err := ifi.Addrs()
		var list []string
		for _, a := range addrs {
			list = append(list, a.Network()+" "+a.String())
		}
		fmt.Printf("interface %d %s mtu %d flags %v hw %q addrs %v %v\n",
			ifi.Index, ifi.Name, ifi.MTU, ifi.Flags, ifi.HardwareAddr.String(), list, err)
	}
	lo, err := net.InterfaceByName("lo")
	if err == nil {
		fmt.Println("by name lo:", lo.Index, lo.Flags&net.FlagLoopback != 0)
		byIndex, err := net.InterfaceByIndex(lo.Index)
		fmt.Println("by index:", byIndex.Name, err)
	} else {
		fmt.Println("by name lo:", err)
	}
	addrs, err := net.InterfaceAddrs()
	fmt.Println("interface addresses:", len(addrs), err)
	_, err = net.InterfaceByName("nonexistent0")
	fmt.Println("missing interface:", err)
}

func main() {
	dir, _ := os.MkdirTemp("", "go_net")
	defer os.RemoveAll(dir)
	tcp()
	unix(dir)
	udp()
	interfaces()
}
