package vn.datafloor.server.platform;

/**
 * The port through which the platform sends e-mail (invitations, password resets). A deployment with a
 * mail server registers its own implementation as the primary bean; the default, {@link OutboxDirectoryMail},
 * writes each message to a file under the data directory, so one machine needs no mail server at all.
 */
public interface OutboundMail {

    /** A plain-text message to one person. */
    record Message(String to, String subject, String body) {
        public Message {
            if (to == null || to.isBlank() || to.contains("\r") || to.contains("\n")) {
                throw new IllegalArgumentException("a message needs one recipient address on one line");
            }
            if (subject == null || subject.contains("\r") || subject.contains("\n")) {
                throw new IllegalArgumentException("a subject is one line");
            }
        }
    }

    /**
     * What became of a message.
     *
     * @param delivered whether it left for the recipient's mailbox; when false, whoever started it must hand
     *     the content over themselves (the pages then show the link)
     * @param where a description of where it went, for the operator (a file name or a mail server), never the content
     */
    record Delivery(boolean delivered, String where) {}

    Delivery send(Message message);
}
