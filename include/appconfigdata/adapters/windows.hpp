// The Windows adapters in one include (tools/amalgamate makes single_include/appconfigdata/
// appconfigdata_windows.hpp from it): CNG/BCrypt crypto, and the Win32 file reader, process runner,
// environment reader and last-known-good backup store. Each has the interface of its POSIX
// counterpart (adapters/file_reader.hpp, process_runner.hpp, environment_reader.hpp,
// file_backup_store.hpp), so a program switches platforms by include; include one set, not both.
// Link with bcrypt (MinGW-w64: -lbcrypt; MSVC: bcrypt.lib).
#pragma once

#include <appconfigdata/adapters/windows/win32.hpp>
#include <appconfigdata/adapters/windows/cng_crypto.hpp>
#include <appconfigdata/adapters/windows/environment_reader.hpp>
#include <appconfigdata/adapters/windows/file_reader.hpp>
#include <appconfigdata/adapters/windows/process_runner.hpp>
#include <appconfigdata/adapters/windows/file_backup_store.hpp>
#include <appconfigdata/adapters/windows/system_random.hpp>
