package io.aihub.server.auth;

/**
 * Who sent a request: an account address (lower case) and the credential it used.
 *
 * @param keyId    the API key the credential rests on (an access token rests on the key it was issued with)
 * @param agentDid for an access token, the agent it was issued for; null for an API key
 */
public record Caller(String address, Credential credential, String keyId, String agentDid) {
    public enum Credential {
        API_KEY,
        ACCESS_TOKEN
    }

    public boolean hasApiKey() {
        return credential == Credential.API_KEY;
    }
}
