package org.webaccel.webdriver.internal;

import java.util.List;

import org.webaccel.api.spi.BackendException;

/** Where a session comes from: a driver process on this machine, or a remote endpoint. */
interface SessionStarter {

    /**
     * Creates the session. Runs on the session's thread.
     *
     * @return the session with whatever of its processes is ours to watch
     * @throws BackendException when no session could be created; nothing is left running then
     */
    StartedSession start() throws BackendException;

    /** @return the processes of this session that still run (local sessions), to end after a close */
    List<ProcessHandle> leftovers();

    /** @return the browser and where it runs, for messages, e.g. {@code chrome /usr/bin/chromium via /usr/bin/chromedriver} */
    String where();
}
