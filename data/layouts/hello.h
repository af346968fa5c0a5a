/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hello.h: the named file mapping example: a message, shared by name (the "hello" demo).
 *
 * A first process creates a 256-byte segment named "MyFileMappingObject" and copies
 * a message into it; a second process opens the segment by the same name and reads
 * the message. This is the whole segment. */
#ifndef SHMLENS_HELLO_H
#define SHMLENS_HELLO_H

#define HELLO_NAME "MyFileMappingObject"
#define HELLO_SIZE 256

struct hello
{
  char message[HELLO_SIZE];             /* "Message from first process.", NUL-terminated */
};

#endif /* SHMLENS_HELLO_H */
