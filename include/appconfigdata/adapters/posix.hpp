// Everything that needs POSIX: the file reader, the process runner for credential_process, the
// environment reader, the atomic file backup store and a seed from /dev/urandom. Generates
// single_include/appconfigdata/appconfigdata_posix.hpp. No library to link beyond the C library.
#pragma once

#include <appconfigdata/adapters/environment_reader.hpp>
#include <appconfigdata/adapters/file_backup_store.hpp>
#include <appconfigdata/adapters/file_reader.hpp>
#include <appconfigdata/adapters/process_runner.hpp>
#include <appconfigdata/adapters/system_random.hpp>
