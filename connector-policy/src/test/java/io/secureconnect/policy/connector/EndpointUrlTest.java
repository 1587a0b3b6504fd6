package io.secureconnect.policy.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which URLs a connector may hold, and the host:port each implies. */
class EndpointUrlTest {

    @ParameterizedTest(name = "{0} implies {1}")
    @CsvSource({
            "https://bitbucket.myorg.com/scm/a/b.git, bitbucket.myorg.com:443",
            "http://git.internal/r.git, git.internal:80",
            "ssh://git@git.myorg.com:7999/r.git, git.myorg.com:7999",
            "git://git.kernel.org/pub/scm/git/git.git, git.kernel.org:9418",
            "HTTPS://GitHub.MyOrg.com/Org/Repo, github.myorg.com:443",
            "https://[fd00::1]:8443/r, [fd00::1]:8443"})
    void acceptsAGitUrl(String url, String hostAndPort) {
        EndpointUrl.Checked checked = EndpointUrl.check(url, EndpointUrl.GIT_SCHEMES);
        assertTrue(checked.ok(), checked.problem());
        assertEquals(hostAndPort, checked.endpoint().hostAndPort());
    }

    @ParameterizedTest(name = "refuses {0}")
    @CsvSource(delimiter = '|', value = {
            "file:///etc/passwd|scheme 'file' is not allowed",
            "javascript:alert(1)|scheme 'javascript' is not allowed",
            "JavaScript:alert(1)|scheme 'javascript' is not allowed",
            "ftp://files.myorg.com/r|scheme 'ftp' is not allowed",
            "https://user:pass@git.myorg.com/r|must not carry a password",
            "https://user:@git.myorg.com/r|must not carry a password",
            "https://git.myorg.com:0/r|port must be from 1 to 65535",
            "https://bad_host.myorg.com/r|must name a host",
            "git.myorg.com/r|is not an absolute URL",
            "https://git.myorg.com/a b|is not a URL"})
    void refusesAUrlWithAClearReason(String url, String reason) {
        EndpointUrl.Checked checked = EndpointUrl.check(url, EndpointUrl.GIT_SCHEMES);
        assertFalse(checked.ok());
        assertTrue(checked.problem().startsWith(reason), checked.problem());
        assertFalse(checked.problem().contains("pass@"), "never echoes credentials");
    }
}
