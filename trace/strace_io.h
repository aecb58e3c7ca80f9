// --strace notation for epoll, splice and Linux AIO (strace.cc's decoder
// table uses these), as strace 6 prints them: "{events=EPOLLIN|EPOLLET,
// data={u32=4, u64=4}}", a splice offset "[0]", "[{aio_data=0x2a,
// aio_lio_opcode=IOCB_CMD_PWRITE, aio_fildes=3, aio_buf="hi", ...}]".
#pragma once

#include <string>

#include "trace/strace.h"

namespace ferry {

std::string EpollEventInArg(const ArgView& a);    // kEpollEventIn
std::string EpollEventsOutArg(const ArgView& a);  // kEpollEventsOut
std::string SpliceOffsetArg(const ArgView& a);    // kSpliceOffset
std::string AioContextOutArg(const ArgView& a);   // kAioContextOut
std::string IocbArrayArg(const ArgView& a);       // kIocbArray
std::string IocbInArg(const ArgView& a);          // kIocbIn
std::string IoEventOutArg(const ArgView& a);      // kIoEventOut
std::string IoEventsOutArg(const ArgView& a);     // kIoEventsOut

}  // namespace ferry
