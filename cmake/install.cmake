# The installable library and package:
# - libtlsearch: one library holding every module (common, indexer, output,
#   searcher) and the C API, shared by default (VERSION/SOVERSION give it a
#   SONAME), static with -DBUILD_SHARED_LIBS=OFF. It is built from the
#   objects of the module libraries, so nothing is compiled twice; those stay
#   static, position-independent convenience libraries for the CLI and tests.
# - Xapian, yaml-cpp, cmark-gfm, utf8proc and ICU are private dependencies (no public header
#   includes them); nlohmann_json is public, because output.h and
#   event_json.h take and return nlohmann::json.
# - `cmake --install` puts there the library, the public headers (every
#   */include/tlsearch/*.h; internal headers live in */src/), the generated
#   version.h, the `tlsearch` binary, a CMake package (find_package(tlsearch)
#   -> tlsearch::tlsearch) and a relocatable pkg-config file tlsearch.pc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

if(DEFINED BUILD_SHARED_LIBS)
  set(TLSEARCH_SHARED ${BUILD_SHARED_LIBS})
else()
  set(TLSEARCH_SHARED ON)
endif()
if(TLSEARCH_SHARED)
  set(TLSEARCH_LIBRARY_TYPE SHARED)
else()
  set(TLSEARCH_SHARED OFF)
  set(TLSEARCH_LIBRARY_TYPE STATIC)
endif()

configure_file(${PROJECT_SOURCE_DIR}/include/tlsearch/version.h.in
               ${PROJECT_BINARY_DIR}/generated/include/tlsearch/version.h @ONLY)

set(TLSEARCH_LIBRARY_PARTS
  tlsearch_common tlsearch_indexer tlsearch_output tlsearch_searcher tlsearch_capi)
set_target_properties(${TLSEARCH_LIBRARY_PARTS} PROPERTIES POSITION_INDEPENDENT_CODE ON)

# `tlsearch` is the command's target name, so the library target is
# tlsearch_lib, with output name and export name `tlsearch`.
add_library(tlsearch_lib ${TLSEARCH_LIBRARY_TYPE})
foreach(part IN LISTS TLSEARCH_LIBRARY_PARTS)
  target_sources(tlsearch_lib PRIVATE $<TARGET_OBJECTS:${part}>)
endforeach()
add_library(tlsearch::tlsearch ALIAS tlsearch_lib)
# 0.x releases may break the ABI at every minor version, so the SONAME
# carries both: libtlsearch.so.0.1.
set_target_properties(tlsearch_lib PROPERTIES
  OUTPUT_NAME tlsearch
  EXPORT_NAME tlsearch
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
target_include_directories(tlsearch_lib PUBLIC
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated/include>
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/common/include>
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/indexer/include>
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/searcher/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(tlsearch_lib PUBLIC cxx_std_17)
find_package(Threads REQUIRED)
# The private dependencies are wrapped in BUILD_INTERFACE so the exported
# targets name no build-only target; for a static library the package
# config adds them back (tlsearchConfig.cmake.in).
target_link_libraries(tlsearch_lib
  PUBLIC nlohmann_json::nlohmann_json
  PRIVATE $<BUILD_INTERFACE:tlsearch_xapian> $<BUILD_INTERFACE:yaml-cpp>
          $<BUILD_INTERFACE:PkgConfig::CMARKGFM> $<BUILD_INTERFACE:PkgConfig::UTF8PROC>
          $<BUILD_INTERFACE:PkgConfig::ICU>
          $<BUILD_INTERFACE:Threads::Threads>)
if(TLSEARCH_SHARED AND NOT TLSEARCH_SANITIZE AND NOT TLSEARCH_FUZZ)
  # Catch a dependency missing from the link now, not in a user's program.
  target_link_options(tlsearch_lib PRIVATE -Wl,--no-undefined)
endif()

set(TLSEARCH_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tlsearch)
install(TARGETS tlsearch_lib EXPORT tlsearchTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS tlsearch tlsearch-serve RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY
    ${PROJECT_SOURCE_DIR}/common/include/tlsearch
    ${PROJECT_SOURCE_DIR}/indexer/include/tlsearch
    ${PROJECT_SOURCE_DIR}/searcher/include/tlsearch
    ${PROJECT_SOURCE_DIR}/include/tlsearch
    ${PROJECT_BINARY_DIR}/generated/include/tlsearch
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
install(EXPORT tlsearchTargets NAMESPACE tlsearch:: DESTINATION ${TLSEARCH_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tlsearchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/generated/tlsearchConfig.cmake
  INSTALL_DESTINATION ${TLSEARCH_CMAKE_DIR})
# Before 1.0 a minor release may break the API: only x.y.* satisfies x.y.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/generated/tlsearchConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/generated/tlsearchConfig.cmake
              ${PROJECT_BINARY_DIR}/generated/tlsearchConfigVersion.cmake
        DESTINATION ${TLSEARCH_CMAKE_DIR})

# pkg-config: the prefix is found from the .pc file's own place (pcfiledir),
# so `cmake --install --prefix ANYWHERE` gives a working file. A static
# library must name its dependencies in Requires/Libs, since users run
# `pkg-config --libs tlsearch` without --static.
set(TLSEARCH_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(TLSEARCH_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH TLSEARCH_PC_UP "/root/${TLSEARCH_PC_DIR}" "/root")
  string(REGEX REPLACE "/$" "" TLSEARCH_PC_UP "${TLSEARCH_PC_UP}")
  set(TLSEARCH_PC_PREFIX "\${pcfiledir}/${TLSEARCH_PC_UP}")
endif()
if(TLSEARCH_SHARED)
  set(TLSEARCH_PC_REQUIRES "nlohmann_json >= 3")
  set(TLSEARCH_PC_REQUIRES_PRIVATE "xapian-core yaml-cpp libcmark-gfm libutf8proc icu-uc")
  set(TLSEARCH_PC_LIBS "-L\${libdir} -ltlsearch")
  set(TLSEARCH_PC_LIBS_PRIVATE "-pthread")
else()
  set(TLSEARCH_PC_REQUIRES "nlohmann_json >= 3 xapian-core yaml-cpp libcmark-gfm libutf8proc icu-uc")
  set(TLSEARCH_PC_REQUIRES_PRIVATE "")
  # C programs linking the static C++ library need its runtime too.
  set(TLSEARCH_PC_LIBS "-L\${libdir} -ltlsearch -pthread -lstdc++ -lm")
  set(TLSEARCH_PC_LIBS_PRIVATE "")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/tlsearch.pc.in
               ${PROJECT_BINARY_DIR}/generated/tlsearch.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/generated/tlsearch.pc DESTINATION ${TLSEARCH_PC_DIR})
