// The two AppConfig Data operations: request builders, response parsers, restJson1 errors.
#pragma once

#include <appconfigdata/protocol/get_latest_configuration.hpp>
#include <appconfigdata/protocol/request_target.hpp>
#include <appconfigdata/protocol/service_error.hpp>
#include <appconfigdata/protocol/start_configuration_session.hpp>
#include <appconfigdata/protocol/validation.hpp>
