// The one exception type of the tlsearch libraries.
//
// Xapian throws Xapian::Error, which is not a std::exception; library entry
// points catch it and rethrow a tlsearch::Error carrying its description, so
// callers need to handle only this type (and std::bad_alloc).
#ifndef TLSEARCH_ERROR_H
#define TLSEARCH_ERROR_H

#include <stdexcept>
#include <string>

namespace tlsearch {

enum class ErrorKind {
  kUsage,     // a bad parameter or option value from the caller
  kQuery,     // a query that cannot be answered even after degrading it
  kDatabase,  // missing, locked, corrupt or unwritable index
  kIo,        // a file or folder that cannot be read
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace tlsearch

#endif  // TLSEARCH_ERROR_H
