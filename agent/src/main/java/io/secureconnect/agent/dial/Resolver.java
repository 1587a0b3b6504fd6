package io.secureconnect.agent.dial;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Name resolution with the host's resolver, i.e. the private network's DNS. Blocking. */
@FunctionalInterface
public interface Resolver {

    Resolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
