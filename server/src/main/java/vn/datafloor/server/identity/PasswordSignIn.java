package vn.datafloor.server.identity;

import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Password sign-in that tells nobody whether a name belongs to an account. Every try that gets past
 * the address throttle costs one lookup and exactly one Argon2 verification — against the account's
 * hash, or against a hash of a random password when there is no account or the name is backing off —
 * and an unknown name, a wrong password and a try during back-off all fail with the same
 * {@link BadCredentialsException}. Only once the password is right does the account's state
 * (disabled) come into the answer.
 */
final class PasswordSignIn implements AuthenticationProvider {

    private final AccountDetailsService accounts;
    private final PasswordEncoder passwords;
    private final LoginAttempts attempts;
    /** A real Argon2 hash with the same parameters, of a password nobody knows. */
    private final String decoyHash;

    PasswordSignIn(
            AccountDetailsService accounts, PasswordEncoder passwords, LoginAttempts attempts, String decoyPassword) {
        this.accounts = accounts;
        this.passwords = passwords;
        this.attempts = attempts;
        this.decoyHash = passwords.encode(decoyPassword);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String typedName = authentication.getName() == null ? "" : authentication.getName();
        String password = authentication.getCredentials() == null
                ? ""
                : authentication.getCredentials().toString();
        String address = authentication.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress()
                : null;
        Optional<IdentityStore.Credentials> account = accounts.credentials(typedName);
        try {
            attempts.checkAddress(address);
        } catch (LoginAttempts.ThrottledException throttled) {
            attempts.failed(typedName, account.orElse(null), address, LoginAttempts.Failure.THROTTLED);
            throw throttled;
        }
        boolean backingOff = attempts.backingOff(typedName, address);
        String hash = account.map(IdentityStore.Credentials::passwordHash).orElse(null);
        boolean checkable = hash != null && !backingOff;
        // Exactly one verification on every path, so that its time says nothing about the name.
        boolean matches = passwords.matches(password, checkable ? hash : decoyHash) && checkable;
        if (!matches) {
            attempts.failed(
                    typedName,
                    account.orElse(null),
                    address,
                    backingOff ? LoginAttempts.Failure.BACKING_OFF : LoginAttempts.Failure.CREDENTIALS);
            throw new BadCredentialsException("bad credentials");
        }
        AccountPrincipal principal = accounts.principal(account.get().id())
                .orElseThrow(() -> new BadCredentialsException("bad credentials"));
        if (!principal.isEnabled()) {
            attempts.failed(typedName, account.get(), address, LoginAttempts.Failure.DISABLED);
            throw new DisabledException("account or organisation disabled");
        }
        attempts.succeeded(typedName, address);
        principal.eraseCredentials();
        UsernamePasswordAuthenticationToken result =
                UsernamePasswordAuthenticationToken.authenticated(principal, null, principal.getAuthorities());
        result.setDetails(authentication.getDetails());
        return result;
    }

    @Override
    public boolean supports(Class<?> type) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
    }
}
