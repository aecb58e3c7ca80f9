// --strace notation for SysV IPC and POSIX message queues (strace.cc's
// decoder table uses these): "IPC_CREAT|0600", "{mtype=7, mtext="hi"}",
// "[{sem_num=0, sem_op=1, sem_flg=SEM_UNDO}]", "{mq_flags=O_NONBLOCK, ...}"
// struct sigevent, and the *id_ds and *info structs of msgctl, semctl and
// shmctl, as strace 6 prints them.
#pragma once

#include <string>

#include "trace/strace.h"

namespace ferry {

std::string IpcKeyArg(const ArgView& a);       // kIpcKey
std::string IpcGetFlagsArg(const ArgView& a);  // kIpcGetFlags
std::string ShmGetFlagsArg(const ArgView& a);  // kShmGetFlags
std::string MsgbufInArg(const ArgView& a);     // kMsgbufIn
std::string MsgbufOutArg(const ArgView& a);    // kMsgbufOut
std::string SembufsArg(const ArgView& a);      // kSembufs
std::string MqAttrInArg(const ArgView& a);     // kMqAttrIn
std::string MqAttrOutArg(const ArgView& a);    // kMqAttrOut
std::string MqPrioOutArg(const ArgView& a);    // kMqPrioOut
std::string SigeventInArg(const ArgView& a);   // kSigeventIn
std::string MsgCtlBufArg(const ArgView& a);    // kMsgCtlBuf
std::string SemCtlArg(const ArgView& a);       // kSemCtlArg
std::string ShmCtlBufArg(const ArgView& a);    // kShmCtlBuf

}  // namespace ferry
