// appconfigdata-cpp: version macros and the versioned inline namespace.
#pragma once

#define APPCONFIGDATA_VERSION_MAJOR 0
#define APPCONFIGDATA_VERSION_MINOR 1
#define APPCONFIGDATA_VERSION_PATCH 0
#define APPCONFIGDATA_VERSION_STRING "0.1.0"

// Everything public lives in appconfigdata::v0 (inline), so two incompatible
// versions linked into one program never violate the ODR silently.
#define APPCONFIGDATA_NAMESPACE_BEGIN \
    namespace appconfigdata {         \
    inline namespace v0 {
#define APPCONFIGDATA_NAMESPACE_END \
    }                               \
    }

APPCONFIGDATA_NAMESPACE_BEGIN
inline constexpr const char* version_string = APPCONFIGDATA_VERSION_STRING;
APPCONFIGDATA_NAMESPACE_END
