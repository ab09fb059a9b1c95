/**
 * The TypeScript lib files the sandbox's declarations need (src/typecheck/lib-files.ts: ES2024,
 * es2025.collection, es2025.iterator and everything they reference), each a Text module of the checker
 * Worker (the rule in typecheck/wrangler.jsonc, and in bundle-worker.ts locally). Only these: the package
 * has ~100 lib files. Plain JavaScript because TypeScript refuses to import a .d.ts file as a value; the
 * types are in lib-texts.d.ts. test/cloudflare-typecheck.test.ts checks this list against what the
 * checker reads.
 */
import decorators from 'typescript/lib/lib.decorators.d.ts';
import decoratorsLegacy from 'typescript/lib/lib.decorators.legacy.d.ts';
import es5 from 'typescript/lib/lib.es5.d.ts';
import es2015Collection from 'typescript/lib/lib.es2015.collection.d.ts';
import es2015Core from 'typescript/lib/lib.es2015.core.d.ts';
import es2015 from 'typescript/lib/lib.es2015.d.ts';
import es2015Generator from 'typescript/lib/lib.es2015.generator.d.ts';
import es2015Iterable from 'typescript/lib/lib.es2015.iterable.d.ts';
import es2015Promise from 'typescript/lib/lib.es2015.promise.d.ts';
import es2015Proxy from 'typescript/lib/lib.es2015.proxy.d.ts';
import es2015Reflect from 'typescript/lib/lib.es2015.reflect.d.ts';
import es2015Symbol from 'typescript/lib/lib.es2015.symbol.d.ts';
import es2015SymbolWellknown from 'typescript/lib/lib.es2015.symbol.wellknown.d.ts';
import es2016ArrayInclude from 'typescript/lib/lib.es2016.array.include.d.ts';
import es2016 from 'typescript/lib/lib.es2016.d.ts';
import es2016Intl from 'typescript/lib/lib.es2016.intl.d.ts';
import es2017Arraybuffer from 'typescript/lib/lib.es2017.arraybuffer.d.ts';
import es2017 from 'typescript/lib/lib.es2017.d.ts';
import es2017Date from 'typescript/lib/lib.es2017.date.d.ts';
import es2017Intl from 'typescript/lib/lib.es2017.intl.d.ts';
import es2017Object from 'typescript/lib/lib.es2017.object.d.ts';
import es2017Sharedmemory from 'typescript/lib/lib.es2017.sharedmemory.d.ts';
import es2017String from 'typescript/lib/lib.es2017.string.d.ts';
import es2017Typedarrays from 'typescript/lib/lib.es2017.typedarrays.d.ts';
import es2018Asyncgenerator from 'typescript/lib/lib.es2018.asyncgenerator.d.ts';
import es2018Asynciterable from 'typescript/lib/lib.es2018.asynciterable.d.ts';
import es2018 from 'typescript/lib/lib.es2018.d.ts';
import es2018Intl from 'typescript/lib/lib.es2018.intl.d.ts';
import es2018Promise from 'typescript/lib/lib.es2018.promise.d.ts';
import es2018Regexp from 'typescript/lib/lib.es2018.regexp.d.ts';
import es2019Array from 'typescript/lib/lib.es2019.array.d.ts';
import es2019 from 'typescript/lib/lib.es2019.d.ts';
import es2019Intl from 'typescript/lib/lib.es2019.intl.d.ts';
import es2019Object from 'typescript/lib/lib.es2019.object.d.ts';
import es2019String from 'typescript/lib/lib.es2019.string.d.ts';
import es2019Symbol from 'typescript/lib/lib.es2019.symbol.d.ts';
import es2020Bigint from 'typescript/lib/lib.es2020.bigint.d.ts';
import es2020 from 'typescript/lib/lib.es2020.d.ts';
import es2020Date from 'typescript/lib/lib.es2020.date.d.ts';
import es2020Intl from 'typescript/lib/lib.es2020.intl.d.ts';
import es2020Number from 'typescript/lib/lib.es2020.number.d.ts';
import es2020Promise from 'typescript/lib/lib.es2020.promise.d.ts';
import es2020Sharedmemory from 'typescript/lib/lib.es2020.sharedmemory.d.ts';
import es2020String from 'typescript/lib/lib.es2020.string.d.ts';
import es2020SymbolWellknown from 'typescript/lib/lib.es2020.symbol.wellknown.d.ts';
import es2021 from 'typescript/lib/lib.es2021.d.ts';
import es2021Intl from 'typescript/lib/lib.es2021.intl.d.ts';
import es2021Promise from 'typescript/lib/lib.es2021.promise.d.ts';
import es2021String from 'typescript/lib/lib.es2021.string.d.ts';
import es2021Weakref from 'typescript/lib/lib.es2021.weakref.d.ts';
import es2022Array from 'typescript/lib/lib.es2022.array.d.ts';
import es2022 from 'typescript/lib/lib.es2022.d.ts';
import es2022Error from 'typescript/lib/lib.es2022.error.d.ts';
import es2022Intl from 'typescript/lib/lib.es2022.intl.d.ts';
import es2022Object from 'typescript/lib/lib.es2022.object.d.ts';
import es2022Regexp from 'typescript/lib/lib.es2022.regexp.d.ts';
import es2022String from 'typescript/lib/lib.es2022.string.d.ts';
import es2023Array from 'typescript/lib/lib.es2023.array.d.ts';
import es2023Collection from 'typescript/lib/lib.es2023.collection.d.ts';
import es2023 from 'typescript/lib/lib.es2023.d.ts';
import es2023Intl from 'typescript/lib/lib.es2023.intl.d.ts';
import es2024Arraybuffer from 'typescript/lib/lib.es2024.arraybuffer.d.ts';
import es2024Collection from 'typescript/lib/lib.es2024.collection.d.ts';
import es2024 from 'typescript/lib/lib.es2024.d.ts';
import es2024Object from 'typescript/lib/lib.es2024.object.d.ts';
import es2024Promise from 'typescript/lib/lib.es2024.promise.d.ts';
import es2024Regexp from 'typescript/lib/lib.es2024.regexp.d.ts';
import es2024Sharedmemory from 'typescript/lib/lib.es2024.sharedmemory.d.ts';
import es2024String from 'typescript/lib/lib.es2024.string.d.ts';
import es2025Collection from 'typescript/lib/lib.es2025.collection.d.ts';
import es2025Iterator from 'typescript/lib/lib.es2025.iterator.d.ts';

/** Text of each lib file by its name ('lib.es5.d.ts'), the form `createTypeChecker`'s `libFiles` takes. */
export const libTexts = {
  'lib.decorators.d.ts': decorators,
  'lib.decorators.legacy.d.ts': decoratorsLegacy,
  'lib.es2015.collection.d.ts': es2015Collection,
  'lib.es2015.core.d.ts': es2015Core,
  'lib.es2015.d.ts': es2015,
  'lib.es2015.generator.d.ts': es2015Generator,
  'lib.es2015.iterable.d.ts': es2015Iterable,
  'lib.es2015.promise.d.ts': es2015Promise,
  'lib.es2015.proxy.d.ts': es2015Proxy,
  'lib.es2015.reflect.d.ts': es2015Reflect,
  'lib.es2015.symbol.d.ts': es2015Symbol,
  'lib.es2015.symbol.wellknown.d.ts': es2015SymbolWellknown,
  'lib.es2016.array.include.d.ts': es2016ArrayInclude,
  'lib.es2016.d.ts': es2016,
  'lib.es2016.intl.d.ts': es2016Intl,
  'lib.es2017.arraybuffer.d.ts': es2017Arraybuffer,
  'lib.es2017.d.ts': es2017,
  'lib.es2017.date.d.ts': es2017Date,
  'lib.es2017.intl.d.ts': es2017Intl,
  'lib.es2017.object.d.ts': es2017Object,
  'lib.es2017.sharedmemory.d.ts': es2017Sharedmemory,
  'lib.es2017.string.d.ts': es2017String,
  'lib.es2017.typedarrays.d.ts': es2017Typedarrays,
  'lib.es2018.asyncgenerator.d.ts': es2018Asyncgenerator,
  'lib.es2018.asynciterable.d.ts': es2018Asynciterable,
  'lib.es2018.d.ts': es2018,
  'lib.es2018.intl.d.ts': es2018Intl,
  'lib.es2018.promise.d.ts': es2018Promise,
  'lib.es2018.regexp.d.ts': es2018Regexp,
  'lib.es2019.array.d.ts': es2019Array,
  'lib.es2019.d.ts': es2019,
  'lib.es2019.intl.d.ts': es2019Intl,
  'lib.es2019.object.d.ts': es2019Object,
  'lib.es2019.string.d.ts': es2019String,
  'lib.es2019.symbol.d.ts': es2019Symbol,
  'lib.es2020.bigint.d.ts': es2020Bigint,
  'lib.es2020.d.ts': es2020,
  'lib.es2020.date.d.ts': es2020Date,
  'lib.es2020.intl.d.ts': es2020Intl,
  'lib.es2020.number.d.ts': es2020Number,
  'lib.es2020.promise.d.ts': es2020Promise,
  'lib.es2020.sharedmemory.d.ts': es2020Sharedmemory,
  'lib.es2020.string.d.ts': es2020String,
  'lib.es2020.symbol.wellknown.d.ts': es2020SymbolWellknown,
  'lib.es2021.d.ts': es2021,
  'lib.es2021.intl.d.ts': es2021Intl,
  'lib.es2021.promise.d.ts': es2021Promise,
  'lib.es2021.string.d.ts': es2021String,
  'lib.es2021.weakref.d.ts': es2021Weakref,
  'lib.es2022.array.d.ts': es2022Array,
  'lib.es2022.d.ts': es2022,
  'lib.es2022.error.d.ts': es2022Error,
  'lib.es2022.intl.d.ts': es2022Intl,
  'lib.es2022.object.d.ts': es2022Object,
  'lib.es2022.regexp.d.ts': es2022Regexp,
  'lib.es2022.string.d.ts': es2022String,
  'lib.es2023.array.d.ts': es2023Array,
  'lib.es2023.collection.d.ts': es2023Collection,
  'lib.es2023.d.ts': es2023,
  'lib.es2023.intl.d.ts': es2023Intl,
  'lib.es2024.arraybuffer.d.ts': es2024Arraybuffer,
  'lib.es2024.collection.d.ts': es2024Collection,
  'lib.es2024.d.ts': es2024,
  'lib.es2024.object.d.ts': es2024Object,
  'lib.es2024.promise.d.ts': es2024Promise,
  'lib.es2024.regexp.d.ts': es2024Regexp,
  'lib.es2024.sharedmemory.d.ts': es2024Sharedmemory,
  'lib.es2024.string.d.ts': es2024String,
  'lib.es2025.collection.d.ts': es2025Collection,
  'lib.es2025.iterator.d.ts': es2025Iterator,
  'lib.es5.d.ts': es5,
};
