package org.webaccel.endpoint.internal.access;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class AccessPolicyTest {
    private static final AccessPolicy OPEN = new AccessPolicy(new String[0], false);
    private static final AccessPolicy TOKENS = new AccessPolicy(new String[] {"s3cret", " other "}, false);

    @Test
    public void withoutTokensLoopbackClientsAreServedAndOthersRefused() {
        assertTrue(OPEN.check(null, true).allowed());
        AccessPolicy.Decision remote = OPEN.check(null, false);
        assertEquals(403, remote.status());
        assertTrue(remote.reason(), remote.reason().contains("bearerTokens of org.webaccel.endpoint.access"));
        assertTrue(new AccessPolicy(null, true).check(null, false).allowed());
    }

    @Test
    public void withTokensEveryRequestNeedsAKnownOneFromLoopbackToo() {
        assertEquals(401, TOKENS.check(null, true).status());
        assertEquals(401, TOKENS.check("Basic czNjcmV0", true).status());
        AccessPolicy.Decision wrong = TOKENS.check("Bearer s3cret2", false);
        assertEquals(401, wrong.status());
        assertTrue(wrong.reason(), wrong.reason().contains("not one this server accepts"));
        assertTrue(TOKENS.check("Bearer s3cret", false).allowed());
        assertTrue("the scheme is case-insensitive", TOKENS.check("bearer other", true).allowed());
        assertTrue("configured tokens are trimmed", TOKENS.check("Bearer other", true).allowed());
        assertEquals("blank tokens do not count", 403, new AccessPolicy(new String[] {" "}, false).check(null, false)
                .status());
    }

    @Test
    public void bindingBeyondLoopbackWithoutTokensIsRefusedUnlessAllowed() {
        assertNull(OPEN.refusal("127.0.0.1"));
        assertNull(OPEN.refusal("::1"));
        assertNull(OPEN.refusal("localhost"));
        String all = OPEN.refusal("0.0.0.0");
        assertTrue(all, all.startsWith("the HTTP server binds 0.0.0.0, beyond loopback, and no bearer token"));
        String unset = OPEN.refusal(null);
        assertTrue(unset, unset.contains("every interface"));
        assertTrue(OPEN.refusal("192.0.2.1") != null);
        assertNull(TOKENS.refusal("0.0.0.0"));
        assertNull(new AccessPolicy(new String[0], true).refusal("0.0.0.0"));
    }
}
