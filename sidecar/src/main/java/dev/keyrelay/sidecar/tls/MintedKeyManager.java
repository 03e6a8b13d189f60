package dev.keyrelay.sidecar.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents, in each agent-facing handshake, the certificate minted for that connection's host: the
 * host the engine was created for, which is the CONNECT target, never a name the client chose in
 * SNI. The alias is the canonical host; every minted certificate shares the one leaf key.
 */
final class MintedKeyManager extends X509ExtendedKeyManager {

  private final PrivateKey leafKey;
  private final Function<String, X509Certificate[]> chains;

  MintedKeyManager(PrivateKey leafKey, Function<String, X509Certificate[]> chains) {
    this.leafKey = leafKey;
    this.chains = chains;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    if (keyType == null || !keyType.startsWith("EC")) {
      return null;
    }
    return engine.getPeerHost();
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return chains.apply(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return leafKey;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }
}
