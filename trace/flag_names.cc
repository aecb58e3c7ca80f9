// The names strace prints for flag and value arguments, as data: one table
// per argument kind. strace.cc formats any kind found here.
#include "trace/flag_names.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <net/if.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bit>
#include <cstring>
#include <optional>

namespace ferry {
namespace {

constexpr Name kProtNames[] = {
    {PROT_READ, "PROT_READ"},
    {PROT_WRITE, "PROT_WRITE"},
    {PROT_EXEC, "PROT_EXEC"},
};

constexpr Name kMapFlagsNames[] = {
    {MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE"},
    {MAP_SHARED, "MAP_SHARED"},
    {MAP_PRIVATE, "MAP_PRIVATE"},
    {MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
    {MAP_FIXED, "MAP_FIXED"},
    {MAP_ANONYMOUS, "MAP_ANONYMOUS"},
    {MAP_NORESERVE, "MAP_NORESERVE"},
    {MAP_STACK, "MAP_STACK"},
    {MAP_POPULATE, "MAP_POPULATE"},
    {MAP_GROWSDOWN, "MAP_GROWSDOWN"},
    {MAP_DENYWRITE, "MAP_DENYWRITE"},
};

constexpr Name kClockIdNames[] = {
    {CLOCK_REALTIME, "CLOCK_REALTIME"},
    {CLOCK_MONOTONIC, "CLOCK_MONOTONIC"},
    {CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID"},
    {CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID"},
    {CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW"},
    {CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE"},
    {CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE"},
    {CLOCK_BOOTTIME, "CLOCK_BOOTTIME"},
    {CLOCK_REALTIME_ALARM, "CLOCK_REALTIME_ALARM"},
    {CLOCK_BOOTTIME_ALARM, "CLOCK_BOOTTIME_ALARM"},
    {CLOCK_TAI, "CLOCK_TAI"},
};

constexpr Name kWhenceNames[] = {
    {SEEK_SET, "SEEK_SET"},
    {SEEK_CUR, "SEEK_CUR"},
    {SEEK_END, "SEEK_END"},
    {SEEK_DATA, "SEEK_DATA"},
    {SEEK_HOLE, "SEEK_HOLE"},
};

constexpr Name kAtFlagsNames[] = {
    {AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"},
    {AT_REMOVEDIR, "AT_REMOVEDIR"},
    {AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"},
    {AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"},
    {AT_EMPTY_PATH, "AT_EMPTY_PATH"},
    {AT_EACCESS, "AT_EACCESS"},
};

constexpr Name kSigHowNames[] = {
    {SIG_BLOCK, "SIG_BLOCK"},
    {SIG_UNBLOCK, "SIG_UNBLOCK"},
    {SIG_SETMASK, "SIG_SETMASK"},
};

constexpr Name kFcntlCmdNames[] = {
    {F_DUPFD, "F_DUPFD"},
    {F_GETFD, "F_GETFD"},
    {F_SETFD, "F_SETFD"},
    {F_GETFL, "F_GETFL"},
    {F_SETFL, "F_SETFL"},
    {F_GETLK, "F_GETLK"},
    {F_SETLK, "F_SETLK"},
    {F_SETLKW, "F_SETLKW"},
    {F_SETOWN, "F_SETOWN"},
    {F_GETOWN, "F_GETOWN"},
    {F_SETSIG, "F_SETSIG"},
    {F_GETSIG, "F_GETSIG"},
    {F_OFD_GETLK, "F_OFD_GETLK"},
    {F_OFD_SETLK, "F_OFD_SETLK"},
    {F_OFD_SETLKW, "F_OFD_SETLKW"},
    {F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC"},
    {F_SETPIPE_SZ, "F_SETPIPE_SZ"},
    {F_GETPIPE_SZ, "F_GETPIPE_SZ"},
    {F_ADD_SEALS, "F_ADD_SEALS"},
    {F_GET_SEALS, "F_GET_SEALS"},
};

constexpr Name kIoctlRequestNames[] = {
    {TCGETS, "TCGETS"},
    {TCSETS, "TCSETS"},
    {TCSETSW, "TCSETSW"},
    {TCSETSF, "TCSETSF"},
    {TIOCGWINSZ, "TIOCGWINSZ"},
    {TIOCSWINSZ, "TIOCSWINSZ"},
    {TIOCGPGRP, "TIOCGPGRP"},
    {TIOCSPGRP, "TIOCSPGRP"},
    {FIONREAD, "FIONREAD"},
    {FIONBIO, "FIONBIO"},
    {FIOCLEX, "FIOCLEX"},
    {FIONCLEX, "FIONCLEX"},
    {SIOCATMARK, "SIOCATMARK"},
    {SIOCGIFNAME, "SIOCGIFNAME"},
    {SIOCGIFCONF, "SIOCGIFCONF"},
    {SIOCGIFFLAGS, "SIOCGIFFLAGS"},
    {SIOCGIFADDR, "SIOCGIFADDR"},
    {SIOCGIFNETMASK, "SIOCGIFNETMASK"},
    {SIOCGIFMTU, "SIOCGIFMTU"},
    {SIOCGIFHWADDR, "SIOCGIFHWADDR"},
    {SIOCGIFINDEX, "SIOCGIFINDEX"},
    {SIOCGIFDSTADDR, "SIOCGIFDSTADDR"},
    {SIOCGIFBRDADDR, "SIOCGIFBRDADDR"},
    {SIOCGIFMETRIC, "SIOCGIFMETRIC"},
    {SIOCGIFTXQLEN, "SIOCGIFTXQLEN"},
    {SIOCSIFFLAGS, "SIOCSIFFLAGS"},
    {SIOCSIFADDR, "SIOCSIFADDR"},
    {SIOCSIFDSTADDR, "SIOCSIFDSTADDR"},
    {SIOCSIFBRDADDR, "SIOCSIFBRDADDR"},
    {SIOCSIFNETMASK, "SIOCSIFNETMASK"},
    {SIOCSIFMETRIC, "SIOCSIFMETRIC"},
    {SIOCSIFMTU, "SIOCSIFMTU"},
    {SIOCSIFHWADDR, "SIOCSIFHWADDR"},
    {SIOCSIFNAME, "SIOCSIFNAME"},
    {SIOCSIFTXQLEN, "SIOCSIFTXQLEN"},
};

constexpr Name kSocketDomainNames[] = {
    {AF_UNIX, "AF_UNIX"},
    {AF_INET, "AF_INET"},
    {AF_INET6, "AF_INET6"},
    {AF_NETLINK, "AF_NETLINK"},
    {AF_PACKET, "AF_PACKET"},
};

constexpr Name kItimerWhichNames[] = {
    {ITIMER_REAL, "ITIMER_REAL"},
    {ITIMER_VIRTUAL, "ITIMER_VIRTUAL"},
    {ITIMER_PROF, "ITIMER_PROF"},
};

constexpr Name kAccessModeNames[] = {
    {R_OK, "R_OK"},
    {W_OK, "W_OK"},
    {X_OK, "X_OK"},
};

constexpr Name kAccessFlagsNames[] = {
    {AT_EACCESS, "AT_EACCESS"},
    {AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"},
    {AT_EMPTY_PATH, "AT_EMPTY_PATH"},
};

constexpr Name kMadviseNames[] = {
    {MADV_NORMAL, "MADV_NORMAL"},
    {MADV_RANDOM, "MADV_RANDOM"},
    {MADV_SEQUENTIAL, "MADV_SEQUENTIAL"},
    {MADV_WILLNEED, "MADV_WILLNEED"},
    {MADV_DONTNEED, "MADV_DONTNEED"},
    {MADV_FREE, "MADV_FREE"},
    {MADV_REMOVE, "MADV_REMOVE"},
    {MADV_DONTFORK, "MADV_DONTFORK"},
    {MADV_DOFORK, "MADV_DOFORK"},
    {MADV_MERGEABLE, "MADV_MERGEABLE"},
    {MADV_HUGEPAGE, "MADV_HUGEPAGE"},
    {MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE"},
    {MADV_DONTDUMP, "MADV_DONTDUMP"},
    {MADV_DODUMP, "MADV_DODUMP"},
};

constexpr Name kMremapFlagsNames[] = {
    {MREMAP_MAYMOVE, "MREMAP_MAYMOVE"},
    {MREMAP_FIXED, "MREMAP_FIXED"},
    {4, "MREMAP_DONTUNMAP"},
};

constexpr Name kEventfdFlagsNames[] = {
    {EFD_SEMAPHORE, "EFD_SEMAPHORE"},
    {EFD_CLOEXEC, "EFD_CLOEXEC"},
    {EFD_NONBLOCK, "EFD_NONBLOCK"},
};

constexpr Name kTimerfdFlagsNames[] = {
    {TFD_CLOEXEC, "TFD_CLOEXEC"},
    {TFD_NONBLOCK, "TFD_NONBLOCK"},
};

constexpr Name kTimerfdSetFlagsNames[] = {
    {TFD_TIMER_ABSTIME, "TFD_TIMER_ABSTIME"},
    {TFD_TIMER_CANCEL_ON_SET, "TFD_TIMER_CANCEL_ON_SET"},
};

constexpr Name kInotifyFlagsNames[] = {
    {IN_NONBLOCK, "IN_NONBLOCK"},
    {IN_CLOEXEC, "IN_CLOEXEC"},
};

constexpr Name kSignalfdFlagsNames[] = {
    {SFD_CLOEXEC, "SFD_CLOEXEC"},
    {SFD_NONBLOCK, "SFD_NONBLOCK"},
};

constexpr Name kPidfdFlagsNames[] = {
    {O_NONBLOCK, "PIDFD_NONBLOCK"},
    {O_EXCL, "PIDFD_THREAD"},
};

constexpr Name kIdTypeNames[] = {
    {0, "P_ALL"}, {1, "P_PID"}, {2, "P_PGID"}, {3, "P_PIDFD"},
};

// strace's order (WEXITED before WSTOPPED, as waitid calls WUNTRACED).
constexpr Name kWaitidOptionsNames[] = {
    {WNOHANG, "WNOHANG"},   {WEXITED, "WEXITED"},         {WSTOPPED, "WSTOPPED"}, {WCONTINUED, "WCONTINUED"},
    {WNOWAIT, "WNOWAIT"},   {__WNOTHREAD, "__WNOTHREAD"}, {__WALL, "__WALL"},   {__WCLONE, "__WCLONE"},
};

constexpr Name kKcmpTypeNames[] = {
    {0, "KCMP_FILE"}, {1, "KCMP_VM"}, {2, "KCMP_FILES"}, {3, "KCMP_FS"},
    {4, "KCMP_SIGHAND"}, {5, "KCMP_IO"}, {6, "KCMP_SYSVSEM"}, {7, "KCMP_EPOLL_TFD"},
};

constexpr Name kMlockFlagsNames[] = {
    {1, "MLOCK_ONFAULT"},
};

constexpr Name kMembarrierCmdNames[] = {
    {0, "MEMBARRIER_CMD_QUERY"},
    {1, "MEMBARRIER_CMD_GLOBAL"},
    {2, "MEMBARRIER_CMD_GLOBAL_EXPEDITED"},
    {4, "MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED"},
    {8, "MEMBARRIER_CMD_PRIVATE_EXPEDITED"},
    {16, "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED"},
    {32, "MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE"},
    {64, "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE"},
    {128, "MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ"},
    {256, "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ"},
    {512, "MEMBARRIER_CMD_GET_REGISTRATIONS"},
};

constexpr Name kRlimitResourceNames[] = {
    {RLIMIT_CPU, "RLIMIT_CPU"},
    {RLIMIT_FSIZE, "RLIMIT_FSIZE"},
    {RLIMIT_DATA, "RLIMIT_DATA"},
    {RLIMIT_STACK, "RLIMIT_STACK"},
    {RLIMIT_CORE, "RLIMIT_CORE"},
    {RLIMIT_RSS, "RLIMIT_RSS"},
    {RLIMIT_NPROC, "RLIMIT_NPROC"},
    {RLIMIT_NOFILE, "RLIMIT_NOFILE"},
    {RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK"},
    {RLIMIT_AS, "RLIMIT_AS"},
    {RLIMIT_LOCKS, "RLIMIT_LOCKS"},
    {RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING"},
    {RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE"},
    {RLIMIT_NICE, "RLIMIT_NICE"},
    {RLIMIT_RTPRIO, "RLIMIT_RTPRIO"},
    {RLIMIT_RTTIME, "RLIMIT_RTTIME"},
};

constexpr Name kSeccompOpNames[] = {
    {SECCOMP_SET_MODE_STRICT, "SECCOMP_SET_MODE_STRICT"},
    {SECCOMP_SET_MODE_FILTER, "SECCOMP_SET_MODE_FILTER"},
    {SECCOMP_GET_ACTION_AVAIL, "SECCOMP_GET_ACTION_AVAIL"},
    {SECCOMP_GET_NOTIF_SIZES, "SECCOMP_GET_NOTIF_SIZES"},
};

constexpr Name kSeccompFlagsNames[] = {
    {SECCOMP_FILTER_FLAG_TSYNC, "SECCOMP_FILTER_FLAG_TSYNC"},
    {SECCOMP_FILTER_FLAG_LOG, "SECCOMP_FILTER_FLAG_LOG"},
    {SECCOMP_FILTER_FLAG_SPEC_ALLOW, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
    {SECCOMP_FILTER_FLAG_NEW_LISTENER, "SECCOMP_FILTER_FLAG_NEW_LISTENER"},
    {SECCOMP_FILTER_FLAG_TSYNC_ESRCH, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"},
    {1u << 5, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"},
};

// A filter's return value: the action by name (its data in strace's |0x...).
constexpr Name kSeccompActionNames[] = {
    {SECCOMP_RET_KILL_PROCESS, "SECCOMP_RET_KILL_PROCESS"},
    {SECCOMP_RET_KILL_THREAD, "SECCOMP_RET_KILL_THREAD"},
    {SECCOMP_RET_TRAP, "SECCOMP_RET_TRAP"},
    {SECCOMP_RET_ERRNO, "SECCOMP_RET_ERRNO"},
    {SECCOMP_RET_USER_NOTIF, "SECCOMP_RET_USER_NOTIF"},
    {SECCOMP_RET_TRACE, "SECCOMP_RET_TRACE"},
    {SECCOMP_RET_LOG, "SECCOMP_RET_LOG"},
    {SECCOMP_RET_ALLOW, "SECCOMP_RET_ALLOW"},
};

constexpr Name kResolveFlagNames[] = {
    {RESOLVE_NO_XDEV, "RESOLVE_NO_XDEV"},
    {RESOLVE_NO_MAGICLINKS, "RESOLVE_NO_MAGICLINKS"},
    {RESOLVE_NO_SYMLINKS, "RESOLVE_NO_SYMLINKS"},
    {RESOLVE_BENEATH, "RESOLVE_BENEATH"},
    {RESOLVE_IN_ROOT, "RESOLVE_IN_ROOT"},
    {RESOLVE_CACHED, "RESOLVE_CACHED"},
};

constexpr Name kRwfFlagsNames[] = {
    {RWF_HIPRI, "RWF_HIPRI"},
    {RWF_DSYNC, "RWF_DSYNC"},
    {RWF_SYNC, "RWF_SYNC"},
    {RWF_NOWAIT, "RWF_NOWAIT"},
    {RWF_APPEND, "RWF_APPEND"},
};

constexpr Name kSyncRangeFlagsNames[] = {
    {SYNC_FILE_RANGE_WAIT_BEFORE, "SYNC_FILE_RANGE_WAIT_BEFORE"},
    {SYNC_FILE_RANGE_WRITE, "SYNC_FILE_RANGE_WRITE"},
    {SYNC_FILE_RANGE_WAIT_AFTER, "SYNC_FILE_RANGE_WAIT_AFTER"},
};

constexpr Name kMountFlagsNames[] = {
    {MS_RDONLY, "MS_RDONLY"},       {MS_NOSUID, "MS_NOSUID"},       {MS_NODEV, "MS_NODEV"},
    {MS_NOEXEC, "MS_NOEXEC"},       {MS_SYNCHRONOUS, "MS_SYNCHRONOUS"}, {MS_REMOUNT, "MS_REMOUNT"},
    {MS_MANDLOCK, "MS_MANDLOCK"},   {MS_DIRSYNC, "MS_DIRSYNC"},     {MS_NOSYMFOLLOW, "MS_NOSYMFOLLOW"},
    {MS_NOATIME, "MS_NOATIME"},     {MS_NODIRATIME, "MS_NODIRATIME"}, {MS_BIND, "MS_BIND"},
    {MS_MOVE, "MS_MOVE"},           {MS_REC, "MS_REC"},             {MS_SILENT, "MS_SILENT"},
    {MS_POSIXACL, "MS_POSIXACL"},   {MS_UNBINDABLE, "MS_UNBINDABLE"}, {MS_PRIVATE, "MS_PRIVATE"},
    {MS_SLAVE, "MS_SLAVE"},         {MS_SHARED, "MS_SHARED"},       {MS_RELATIME, "MS_RELATIME"},
    {MS_KERNMOUNT, "MS_KERNMOUNT"}, {MS_I_VERSION, "MS_I_VERSION"}, {MS_STRICTATIME, "MS_STRICTATIME"},
    {MS_LAZYTIME, "MS_LAZYTIME"},
};

constexpr Name kUmountFlagsNames[] = {
    {MNT_FORCE, "MNT_FORCE"},
    {MNT_DETACH, "MNT_DETACH"},
    {MNT_EXPIRE, "MNT_EXPIRE"},
    {UMOUNT_NOFOLLOW, "UMOUNT_NOFOLLOW"},
};

constexpr Name kUnshareFlagsNames[] = {
    {0x80, "CLONE_NEWTIME"},         {CLONE_VM, "CLONE_VM"},         {CLONE_FS, "CLONE_FS"},
    {CLONE_FILES, "CLONE_FILES"},    {CLONE_SIGHAND, "CLONE_SIGHAND"}, {CLONE_THREAD, "CLONE_THREAD"},
    {CLONE_NEWNS, "CLONE_NEWNS"},    {CLONE_SYSVSEM, "CLONE_SYSVSEM"}, {CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
    {CLONE_NEWUTS, "CLONE_NEWUTS"},  {CLONE_NEWIPC, "CLONE_NEWIPC"}, {CLONE_NEWUSER, "CLONE_NEWUSER"},
    {CLONE_NEWPID, "CLONE_NEWPID"},  {CLONE_NEWNET, "CLONE_NEWNET"},
};

// SysV IPC: the get flags (their mode bits are shown apart), commands and
// operation flags, in strace's order.
constexpr Name kIpcGetFlagsNames[] = {
    {IPC_CREAT, "IPC_CREAT"},
    {IPC_EXCL, "IPC_EXCL"},
    {IPC_NOWAIT, "IPC_NOWAIT"},
};

constexpr Name kShmGetFlagsNames[] = {
    {IPC_CREAT, "IPC_CREAT"},
    {IPC_EXCL, "IPC_EXCL"},
    {SHM_HUGETLB, "SHM_HUGETLB"},
    {SHM_NORESERVE, "SHM_NORESERVE"},
};

constexpr Name kMsgCtlCmdNames[] = {
    {IPC_RMID, "IPC_RMID"}, {IPC_SET, "IPC_SET"},   {IPC_STAT, "IPC_STAT"},
    {IPC_INFO, "IPC_INFO"}, {MSG_STAT, "MSG_STAT"}, {MSG_INFO, "MSG_INFO"},
    {MSG_STAT_ANY, "MSG_STAT_ANY"},
};

constexpr Name kSemCtlCmdNames[] = {
    {IPC_RMID, "IPC_RMID"}, {IPC_SET, "IPC_SET"},   {IPC_STAT, "IPC_STAT"}, {IPC_INFO, "IPC_INFO"},
    {GETPID, "GETPID"},     {GETVAL, "GETVAL"},     {GETALL, "GETALL"},     {GETNCNT, "GETNCNT"},
    {GETZCNT, "GETZCNT"},   {SETVAL, "SETVAL"},     {SETALL, "SETALL"},     {SEM_STAT, "SEM_STAT"},
    {SEM_INFO, "SEM_INFO"}, {SEM_STAT_ANY, "SEM_STAT_ANY"},
};

constexpr Name kShmCtlCmdNames[] = {
    {IPC_RMID, "IPC_RMID"}, {IPC_SET, "IPC_SET"},       {IPC_STAT, "IPC_STAT"}, {IPC_INFO, "IPC_INFO"},
    {SHM_LOCK, "SHM_LOCK"}, {SHM_UNLOCK, "SHM_UNLOCK"}, {SHM_STAT, "SHM_STAT"}, {SHM_INFO, "SHM_INFO"},
    {SHM_STAT_ANY, "SHM_STAT_ANY"},
};

constexpr Name kIpcMsgFlagsNames[] = {
    {MSG_NOERROR, "MSG_NOERROR"},
    {MSG_EXCEPT, "MSG_EXCEPT"},
    {MSG_COPY, "MSG_COPY"},
    {IPC_NOWAIT, "IPC_NOWAIT"},
};

constexpr Name kSemFlagsNames[] = {
    {SEM_UNDO, "SEM_UNDO"},
    {IPC_NOWAIT, "IPC_NOWAIT"},
};

constexpr Name kShmatFlagsNames[] = {
    {SHM_RDONLY, "SHM_RDONLY"},
    {SHM_RND, "SHM_RND"},
    {SHM_REMAP, "SHM_REMAP"},
    {SHM_EXEC, "SHM_EXEC"},
};

// struct sigevent's sigev_notify.
constexpr Name kSigevNotifyNames[] = {
    {SIGEV_SIGNAL, "SIGEV_SIGNAL"},
    {SIGEV_NONE, "SIGEV_NONE"},
    {SIGEV_THREAD, "SIGEV_THREAD"},
    {SIGEV_THREAD_ID, "SIGEV_THREAD_ID"},
};

// struct ifreq's ifr_flags (IFF_*) and the hardware types of ifr_hwaddr (ARPHRD_*).
constexpr Name kInterfaceFlagsNames[] = {
    {IFF_UP, "IFF_UP"},           {IFF_BROADCAST, "IFF_BROADCAST"},   {IFF_DEBUG, "IFF_DEBUG"},
    {IFF_LOOPBACK, "IFF_LOOPBACK"}, {IFF_POINTOPOINT, "IFF_POINTOPOINT"}, {IFF_NOTRAILERS, "IFF_NOTRAILERS"},
    {IFF_RUNNING, "IFF_RUNNING"}, {IFF_NOARP, "IFF_NOARP"},         {IFF_PROMISC, "IFF_PROMISC"},
    {IFF_ALLMULTI, "IFF_ALLMULTI"}, {IFF_MASTER, "IFF_MASTER"},     {IFF_SLAVE, "IFF_SLAVE"},
    {IFF_MULTICAST, "IFF_MULTICAST"}, {IFF_PORTSEL, "IFF_PORTSEL"}, {IFF_AUTOMEDIA, "IFF_AUTOMEDIA"},
    {IFF_DYNAMIC, "IFF_DYNAMIC"},
};

// strace's epollevents, in its order.
constexpr Name kEpollEventNames[] = {
    {0x1, "EPOLLIN"},           {0x2, "EPOLLPRI"},         {0x4, "EPOLLOUT"},        {0x8, "EPOLLERR"},
    {0x10, "EPOLLHUP"},         {0x20, "EPOLLNVAL"},       {0x40, "EPOLLRDNORM"},    {0x80, "EPOLLRDBAND"},
    {0x100, "EPOLLWRNORM"},     {0x200, "EPOLLWRBAND"},    {0x400, "EPOLLMSG"},      {0x2000, "EPOLLRDHUP"},
    {0x10000000, "EPOLLEXCLUSIVE"}, {0x20000000, "EPOLLWAKEUP"}, {0x40000000, "EPOLLONESHOT"},
    {0x80000000, "EPOLLET"},
};

constexpr Name kEpollFlagsNames[] = {{02000000, "EPOLL_CLOEXEC"}};

constexpr Name kEpollCtlOpNames[] = {
    {1, "EPOLL_CTL_ADD"},
    {2, "EPOLL_CTL_DEL"},
    {3, "EPOLL_CTL_MOD"},
};

constexpr Name kSpliceFlagsNames[] = {
    {1, "SPLICE_F_MOVE"},
    {2, "SPLICE_F_NONBLOCK"},
    {4, "SPLICE_F_MORE"},
    {8, "SPLICE_F_GIFT"},
};

// linux/aio_abi.h's IOCB_CMD_* and IOCB_FLAG_*.
constexpr Name kAioCmdNames[] = {
    {0, "IOCB_CMD_PREAD"}, {1, "IOCB_CMD_PWRITE"}, {2, "IOCB_CMD_FSYNC"},  {3, "IOCB_CMD_FDSYNC"},
    {5, "IOCB_CMD_POLL"},  {6, "IOCB_CMD_NOOP"},   {7, "IOCB_CMD_PREADV"}, {8, "IOCB_CMD_PWRITEV"},
};

constexpr Name kAioIocbFlagNames[] = {
    {1, "IOCB_FLAG_RESFD"},
    {2, "IOCB_FLAG_IOPRIO"},
};

constexpr Name kHardwareTypeNames[] = {
    {0, "ARPHRD_NETROM"},         {1, "ARPHRD_ETHER"},          {24, "ARPHRD_IEEE1394"},
    {32, "ARPHRD_INFINIBAND"},    {256, "ARPHRD_SLIP"},         {512, "ARPHRD_PPP"},
    {768, "ARPHRD_TUNNEL"},       {769, "ARPHRD_TUNNEL6"},      {772, "ARPHRD_LOOPBACK"},
    {776, "ARPHRD_SIT"},          {778, "ARPHRD_IPGRE"},        {801, "ARPHRD_IEEE80211"},
    {803, "ARPHRD_IEEE80211_RADIOTAP"}, {823, "ARPHRD_IP6GRE"}, {824, "ARPHRD_NETLINK"},
    {825, "ARPHRD_6LOWPAN"},      {0xfffe, "ARPHRD_NONE"},      {0xffff, "ARPHRD_VOID"},
};

constexpr NameTable kNameTables[] = {
    {Arg::kProt, NameStyle::kBits, kProtNames, "PROT_NONE", nullptr, false},
    {Arg::kMapFlags, NameStyle::kBits, kMapFlagsNames, nullptr, nullptr, false},
    {Arg::kClockId, NameStyle::kEnum, kClockIdNames, nullptr, nullptr, false},
    {Arg::kWhence, NameStyle::kEnum, kWhenceNames, nullptr, nullptr, false},
    {Arg::kAtFlags, NameStyle::kBits, kAtFlagsNames, nullptr, nullptr, false},
    {Arg::kSigHow, NameStyle::kEnum, kSigHowNames, nullptr, nullptr, false},
    {Arg::kFcntlCmd, NameStyle::kEnum, kFcntlCmdNames, nullptr, nullptr, false},
    {Arg::kIoctlRequest, NameStyle::kEnum, kIoctlRequestNames, nullptr, nullptr, false},
    {Arg::kSocketDomain, NameStyle::kEnum, kSocketDomainNames, nullptr, nullptr, false},
    {Arg::kItimerWhich, NameStyle::kEnum, kItimerWhichNames, nullptr, nullptr, false},
    {Arg::kAccessMode, NameStyle::kBits, kAccessModeNames, "F_OK", nullptr, false},
    {Arg::kAccessFlags, NameStyle::kBits, kAccessFlagsNames, nullptr, nullptr, false},
    {Arg::kMadvise, NameStyle::kEnum, kMadviseNames, nullptr, nullptr, false},
    {Arg::kMremapFlags, NameStyle::kBits, kMremapFlagsNames, nullptr, nullptr, false},
    {Arg::kEventfdFlags, NameStyle::kFlags, kEventfdFlagsNames, nullptr, "EFD_???", true},
    {Arg::kTimerfdFlags, NameStyle::kFlags, kTimerfdFlagsNames, nullptr, "TFD_???", true},
    {Arg::kTimerfdSetFlags, NameStyle::kFlags, kTimerfdSetFlagsNames, nullptr, "TFD_???", true},
    {Arg::kInotifyFlags, NameStyle::kFlags, kInotifyFlagsNames, nullptr, "IN_???", true},
    {Arg::kSignalfdFlags, NameStyle::kFlags, kSignalfdFlagsNames, nullptr, "SFD_???", true},
    {Arg::kRlimitResource, NameStyle::kEnum, kRlimitResourceNames, nullptr, nullptr, true},
    {Arg::kPidfdFlags, NameStyle::kBits, kPidfdFlagsNames, nullptr, nullptr, true},
    {Arg::kKcmpType, NameStyle::kEnum, kKcmpTypeNames, nullptr, nullptr, true},
    {Arg::kMlockFlags, NameStyle::kBits, kMlockFlagsNames, nullptr, nullptr, true},
    {Arg::kMembarrierCmd, NameStyle::kEnum, kMembarrierCmdNames, nullptr, nullptr, true},
    {Arg::kSeccompOp, NameStyle::kEnum, kSeccompOpNames, nullptr, "SECCOMP_SET_MODE_???", true},
    {Arg::kRwfFlags, NameStyle::kFlags, kRwfFlagsNames, nullptr, "RWF_???", true},
    {Arg::kSyncRangeFlags, NameStyle::kFlags, kSyncRangeFlagsNames, nullptr, "SYNC_FILE_RANGE_???", true},
    {Arg::kMountFlags, NameStyle::kBits, kMountFlagsNames, nullptr, nullptr, false},
    {Arg::kUmountFlags, NameStyle::kBits, kUmountFlagsNames, nullptr, nullptr, false},
    {Arg::kUnshareFlags, NameStyle::kBits, kUnshareFlagsNames, nullptr, nullptr, true},
    {Arg::kMsgCtlCmd, NameStyle::kEnum, kMsgCtlCmdNames, nullptr, "MSG_???", true},
    {Arg::kSemCtlCmd, NameStyle::kEnum, kSemCtlCmdNames, nullptr, "SEM_???", true},
    {Arg::kShmCtlCmd, NameStyle::kEnum, kShmCtlCmdNames, nullptr, "SHM_???", true},
    {Arg::kIpcMsgFlags, NameStyle::kBits, kIpcMsgFlagsNames, nullptr, nullptr, true},
    {Arg::kShmatFlags, NameStyle::kBits, kShmatFlagsNames, nullptr, nullptr, true},
    {Arg::kIdType, NameStyle::kEnum, kIdTypeNames, nullptr, "P_???", true},
    {Arg::kWaitidOptions, NameStyle::kFlags, kWaitidOptionsNames, nullptr, "W???", true},
    {Arg::kEpollFlags, NameStyle::kFlags, kEpollFlagsNames, nullptr, "EPOLL_???", true},
    {Arg::kEpollCtlOp, NameStyle::kEnum, kEpollCtlOpNames, nullptr, "EPOLL_CTL_???", true},
    {Arg::kSpliceFlags, NameStyle::kFlags, kSpliceFlagsNames, nullptr, "SPLICE_F_???", true},
};

}  // namespace

std::span<const Name> SeccompActionNames() { return kSeccompActionNames; }
std::span<const Name> SeccompFlagNames() { return kSeccompFlagsNames; }
std::span<const Name> ResolveFlagNames() { return kResolveFlagNames; }
std::span<const Name> IpcGetFlagNames() { return kIpcGetFlagsNames; }
std::span<const Name> ShmGetFlagNames() { return kShmGetFlagsNames; }
std::span<const Name> SemFlagNames() { return kSemFlagsNames; }
std::span<const Name> SigevNotifyNames() { return kSigevNotifyNames; }
std::span<const Name> InterfaceFlagNames() { return kInterfaceFlagsNames; }
std::span<const Name> HardwareTypeNames() { return kHardwareTypeNames; }
std::span<const Name> EpollEventNames() { return kEpollEventNames; }
std::span<const Name> AioCmdNames() { return kAioCmdNames; }
std::span<const Name> AioIocbFlagNames() { return kAioIocbFlagNames; }

const NameTable* NameTableFor(Arg kind) {
  for (const NameTable& t : kNameTables) {
    if (t.kind == kind) return &t;
  }
  return nullptr;
}

}  // namespace ferry
