package task

import "syscall"

// dup2 makes newfd a copy of oldfd. Linux has no dup2 system call on
// arm64 (nor on riscv64), only dup3, which every Linux port has.
func dup2(oldfd, newfd int) error { return syscall.Dup3(oldfd, newfd, 0) }
