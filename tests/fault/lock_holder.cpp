// Holds the write lock of a tlsearch index for a while, as a long
// `tlsearch index` run would: `tlsearch_lock_holder DB SECONDS`. Prints
// "locked" once it holds it, so the test knows when to start.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <xapian.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DB SECONDS\n", argv[0]);
    return 2;
  }
  try {
    Xapian::WritableDatabase db(argv[1], Xapian::DB_OPEN);
    std::printf("locked\n");
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::duration<double>(std::atof(argv[2])));
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "%s\n", e.get_description().c_str());
    return 1;
  }
  return 0;
}
