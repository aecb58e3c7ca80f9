# CMake toolchain: Debian's riscv64-linux-gnu cross compiler; tests run under
# ferry (-DFERRY=/path/to/ferry). See ferry-cross.cmake.
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(FERRY_TRIPLE riscv64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/ferry-cross.cmake)
