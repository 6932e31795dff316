#!/bin/sh
# autogen.sh - generate ./configure from configure.ac.
set -e
cd "$(dirname "$0")"
autoreconf -fi
rm -rf autom4te.cache
