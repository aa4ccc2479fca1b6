// SigV4 checking for the emulator: the library's own verifier (sigv4/verifier.hpp) with the
// emulator's key pairs, signing name "appconfig", +/- 5 minutes, and the --region rule.
#pragma once

#include "options.hpp"
#include "service.hpp"

#include <string>
#include <vector>

namespace emulator {

// An authenticator accepting requests signed with one of `keys` for service "appconfig" and,
// when `region` is not empty, only that region in the credential scope. A pair with a session
// token accepts only requests carrying that X-Amz-Security-Token, a pair without one only
// requests carrying none — unless `any_session_token`, when any token (or none) is accepted for
// every pair (the signature is still checked, over the token too when the client signed it).
authenticator make_sigv4_authenticator(std::vector<key_pair> keys, std::string region, bool any_session_token = false);

} // namespace emulator
