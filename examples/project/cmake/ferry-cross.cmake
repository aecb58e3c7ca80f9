# Shared by the per-arch toolchain files, which set FERRY_TRIPLE and
# CMAKE_SYSTEM_PROCESSOR first: Debian's cross compilers for the triple, its
# cross sysroot for find_*(), and ferry as the emulator that runs target
# programs (ctest, add_custom_command, try_run).
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DFERRY=/path/to/ferry
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${FERRY_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${FERRY_TRIPLE}-g++)

set(CMAKE_FIND_ROOT_PATH /usr/${FERRY_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The emulator: -DFERRY=PATH, else $FERRY, else ferry on PATH. try_compile
# projects get FERRY passed along so they see the same emulator.
set(FERRY "$ENV{FERRY}" CACHE FILEPATH "ferry, the emulator that runs target programs")
if(NOT FERRY)
  find_program(FERRY_ON_PATH ferry)
  if(FERRY_ON_PATH)
    set(FERRY "${FERRY_ON_PATH}" CACHE FILEPATH "" FORCE)
  endif()
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES FERRY)
if(FERRY)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${FERRY}")
endif()
